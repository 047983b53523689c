'use strict';
// Borrowing and returning change two tables: each runs as ONE transaction on
// one pooled client, so a failure half-way leaves no trace.
const db = require('../db');
const { notFoundError, conflictError } = require('../http/problem');

const LOAN_COLUMNS = 'id, book_id, member_id, borrowed_at, returned_at';

// Defect: the stock of a book is counted in this process's memory. Loans of one book take
// turns (a promise chain per book); the first one starts the counter at the book's
// copies_total, every loan takes a copy from the counter and writes the counter back to
// copies_available. In one process that is exact (the project's own concurrency test
// passes); with two instances each has its own counter, so each lends every copy: twice as
// many loans as copies, and copies_available says whatever was written last.
const available = new Map(); // book id -> copies this process believes are left
const queues = new Map(); // book id -> the promise of its last loan

function oneAtATime(bookId, fn) {
  const run = (queues.get(bookId) || Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => {});
  queues.set(bookId, tail);
  tail.then(() => {
    if (queues.get(bookId) === tail) queues.delete(bookId);
  });
  return run;
}

function borrow(bookId, memberId) {
  return oneAtATime(bookId, () => db.transaction(async (client) => {
    // FOR KEY SHARE: the member cannot be deleted before the loan row commits.
    const member = await client.query('SELECT 1 FROM members WHERE id = $1 FOR KEY SHARE', [memberId]);
    if (member.rowCount === 0) throw notFoundError('member');

    if (!available.has(bookId)) {
      const book = await client.query('SELECT copies_total FROM books WHERE id = $1', [bookId]);
      if (book.rowCount === 0) throw notFoundError('book');
      available.set(bookId, book.rows[0].copies_total);
    }
    const left = available.get(bookId);
    if (left < 1) throw conflictError('no copy of this book is available');
    await client.query('UPDATE books SET copies_available = $2 WHERE id = $1', [bookId, left - 1]);

    const { rows } = await client.query(
      `INSERT INTO loans (book_id, member_id) VALUES ($1, $2) RETURNING ${LOAN_COLUMNS}`,
      [bookId, memberId],
    );
    available.set(bookId, left - 1); // only once the loan is sure to commit
    return rows[0];
  }));
}

function giveBack(loanId) {
  return db.transaction(async (client) => {
    const { rows } = await client.query(
      `UPDATE loans SET returned_at = now()
        WHERE id = $1 AND returned_at IS NULL
        RETURNING ${LOAN_COLUMNS}`,
      [loanId],
    );
    if (rows.length === 0) {
      const exists = await client.query('SELECT 1 FROM loans WHERE id = $1', [loanId]);
      if (exists.rowCount === 0) throw notFoundError('loan');
      throw conflictError('this loan was already returned');
    }
    await client.query('UPDATE books SET copies_available = copies_available + 1 WHERE id = $1', [
      rows[0].book_id,
    ]);
    if (available.has(rows[0].book_id)) available.set(rows[0].book_id, available.get(rows[0].book_id) + 1);
    return rows[0];
  });
}

async function get(loanId) {
  const { rows } = await db.query(`SELECT ${LOAN_COLUMNS} FROM loans WHERE id = $1`, [loanId]);
  return rows[0] || null;
}

module.exports = { borrow, giveBack, get };
