'use strict';
// Shelf in memory: one Map per resource, plus the unique indexes (isbn, email) that a
// database would enforce. Ids are strings in JSON; each resource counts its own.
const tables = {
  authors: new Map(),
  books: new Map(),
  members: new Map(),
  loans: new Map(),
};
const isbns = new Map(); // isbn -> book id
const emails = new Map(); // lower-cased email -> member id
const counters = { authors: 0, books: 0, members: 0, loans: 0 };

function nextId(table) {
  counters[table] += 1;
  return String(counters[table]);
}

module.exports = { tables, isbns, emails, nextId };
