'use strict';

// The catalog's books, in memory: real titles with their real ISBN-13s.
const PRODUCTS = [
  { id: 1, isbn: '9780131103627', title: 'The C Programming Language', price_cents: 5499 },
  { id: 2, isbn: '9780201633610', title: 'Design Patterns', price_cents: 4999 },
  { id: 3, isbn: '9780132350884', title: 'Clean Code', price_cents: 3999 },
  { id: 4, isbn: '9781491950357', title: 'Building Microservices', price_cents: 4499 },
  { id: 5, isbn: '9781449373320', title: 'Designing Data-Intensive Applications', price_cents: 5999 },
];

module.exports = { PRODUCTS };
