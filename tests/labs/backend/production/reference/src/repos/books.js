'use strict';
// SQL for books. Every value travels as a bound parameter ($1, $2 ...); only
// column names and sort directions from fixed tables below are written into SQL.
const db = require('../db');

const BOOK_COLUMNS =
  'b.id, b.title, b.isbn, b.year, b.tags, b.author_id, b.copies_total, b.copies_available';
// One statement returns the books with their author: no query per book.
const SELECT_BOOKS = `SELECT ${BOOK_COLUMNS}, a.name AS author_name
  FROM books b JOIN authors a ON a.id = b.author_id`;

// sort parameter -> the sort column and direction; ties always break on id.
const SORTS = {
  id: { column: null },
  title: { column: 'title', dir: 'ASC' },
  '-title': { column: 'title', dir: 'DESC' },
  year: { column: 'year', dir: 'ASC' },
  '-year': { column: 'year', dir: 'DESC' },
};
const NULLABLE = new Set(['year']);

function toBook(row) {
  return {
    id: row.id,
    title: row.title,
    isbn: row.isbn,
    year: row.year,
    tags: row.tags,
    author_id: row.author_id,
    copies_total: row.copies_total,
    copies_available: row.copies_available,
    author: { id: row.author_id, name: row.author_name },
  };
}

// ILIKE treats % and _ as wildcards: escape them so q matches literally.
function containsPattern(q) {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
}

function orderBy(sort) {
  const { column, dir } = SORTS[sort];
  if (column === null) return 'b.id';
  // NULLS LAST in both directions, so that the keyset condition below is simple.
  return `b.${column} ${dir}${NULLABLE.has(column) ? ' NULLS LAST' : ''}, b.id`;
}

// Rows strictly after the cursor's (value, id) in the order above.
function afterCursor(sort, after, param) {
  const { column, dir } = SORTS[sort];
  const id = param(after.id);
  if (column === null) return `b.id > ${id}`;
  const col = `b.${column}`;
  if (after.value === null) return `(${col} IS NULL AND b.id > ${id})`;
  const value = param(after.value);
  const op = dir === 'ASC' ? '>' : '<';
  const nulls = NULLABLE.has(column) ? ` OR ${col} IS NULL` : '';
  return `(${col} ${op} ${value} OR (${col} = ${value} AND b.id > ${id})${nulls})`;
}

/**
 * One page of books. filters: {authorId, tag, q}; after: {value, id} or null.
 * Returns {items, next} where next is the {value, id} to continue after, or null.
 */
async function list({ authorId, tag, q }, sort, limit, after) {
  const params = [];
  const param = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [];
  if (authorId !== undefined) where.push(`b.author_id = ${param(authorId)}`);
  if (tag !== undefined) where.push(`b.tags @> ARRAY[${param(tag)}]::text[]`);
  if (q !== undefined) where.push(`b.title ILIKE ${param(containsPattern(q))}`);
  if (after) where.push(afterCursor(sort, after, param));

  // One row more than asked tells whether there is a next page.
  const sql = `${SELECT_BOOKS}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${orderBy(sort)}
    LIMIT ${param(limit + 1)}`;
  const { rows } = await db.query(sql, params);

  const items = rows.slice(0, limit).map(toBook);
  if (rows.length <= limit) return { items, next: null };
  const last = items[items.length - 1];
  const { column } = SORTS[sort];
  return { items, next: { value: column === null ? null : last[column], id: last.id } };
}

async function get(id) {
  const { rows } = await db.query(`${SELECT_BOOKS} WHERE b.id = $1`, [id]);
  return rows.length ? toBook(rows[0]) : null;
}

async function create(book) {
  const { rows } = await db.query(
    `WITH b AS (
       INSERT INTO books (title, isbn, year, author_id, tags, copies_total, copies_available)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       RETURNING *)
     SELECT ${BOOK_COLUMNS}, a.name AS author_name FROM b JOIN authors a ON a.id = b.author_id`,
    [book.title, book.isbn, book.year, book.author_id, book.tags, book.copies_total],
  );
  return toBook(rows[0]);
}

const PATCHABLE = ['title', 'isbn', 'year', 'author_id', 'tags'];

/** Apply the given fields; copies_available moves by the same delta as copies_total. */
async function update(id, fields) {
  const params = [];
  const param = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const sets = PATCHABLE.filter((f) => f in fields).map((f) => `${f} = ${param(fields[f])}`);
  if ('copies_total' in fields) {
    const total = param(fields.copies_total);
    // Right-hand sides see the old row: the CHECK (copies_available >= 0) rejects
    // a total below the number of copies on loan.
    sets.push(`copies_total = ${total}`, `copies_available = copies_available + ${total} - copies_total`);
  }
  if (sets.length === 0) return get(id);
  const { rows } = await db.query(
    `WITH b AS (UPDATE books SET ${sets.join(', ')} WHERE id = ${param(id)} RETURNING *)
     SELECT ${BOOK_COLUMNS}, a.name AS author_name FROM b JOIN authors a ON a.id = b.author_id`,
    params,
  );
  return rows.length ? toBook(rows[0]) : null;
}

async function remove(id) {
  const { rowCount } = await db.query('DELETE FROM books WHERE id = $1', [id]);
  return rowCount > 0;
}

module.exports = { SORTS, list, get, create, update, remove };
