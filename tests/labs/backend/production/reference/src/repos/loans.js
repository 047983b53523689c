'use strict';
// Borrowing and returning change two tables: each runs as ONE transaction on
// one pooled client, so a failure half-way leaves no trace.
const db = require('../db');
const { notFoundError, conflictError } = require('../http/problem');

const LOAN_COLUMNS = 'id, book_id, member_id, borrowed_at, returned_at';

function borrow(bookId, memberId) {
  return db.transaction(async (client) => {
    // FOR KEY SHARE: the member cannot be deleted before the loan row commits.
    const member = await client.query('SELECT 1 FROM members WHERE id = $1 FOR KEY SHARE', [memberId]);
    if (member.rowCount === 0) throw notFoundError('member');

    // The condition and the decrement are one statement: concurrent borrowers
    // queue on the row lock and can never take more copies than there are.
    const book = await client.query(
      `UPDATE books SET copies_available = copies_available - 1
        WHERE id = $1 AND copies_available > 0
        RETURNING id, copies_available`,
      [bookId],
    );
    if (book.rowCount === 0) {
      const exists = await client.query('SELECT 1 FROM books WHERE id = $1', [bookId]);
      if (exists.rowCount === 0) throw notFoundError('book');
      throw conflictError('no copy of this book is available');
    }

    const { rows } = await client.query(
      `INSERT INTO loans (book_id, member_id) VALUES ($1, $2) RETURNING ${LOAN_COLUMNS}`,
      [bookId, memberId],
    );
    return rows[0];
  });
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
    return rows[0];
  });
}

async function get(loanId) {
  const { rows } = await db.query(`SELECT ${LOAN_COLUMNS} FROM loans WHERE id = $1`, [loanId]);
  return rows[0] || null;
}

module.exports = { borrow, giveBack, get };
