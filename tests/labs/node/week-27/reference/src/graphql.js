'use strict';
// POST /graphql over the same tables as REST. Book.author goes through a DataLoader made per
// request: the authors of all the books in one answer come in one SELECT ... = ANY($1).
const DataLoader = require('dataloader');
const { buildSchema, graphql } = require('graphql');
const db = require('./db');

const schema = buildSchema(`
  type Author { id: ID!, name: String!, books: [Book!]! }
  type Book { id: ID!, title: String!, isbn: String!, year: Int, tags: [String!]!, author: Author! }
  type Query {
    book(id: ID!): Book
    books(tag: String, author_id: ID, limit: Int = 20): [Book!]!
    author(id: ID!): Author
  }
`);

const BOOK_COLUMNS = 'id::text AS id, title, isbn, year, tags, author_id::text AS author_id';
const isId = (text) => /^[1-9][0-9]{0,17}$/.test(text);

class Book {
  constructor(row) {
    Object.assign(this, row);
  }

  author(_args, ctx) {
    return ctx.authors.load(this.author_id);
  }
}

class Author {
  constructor(row) {
    Object.assign(this, row);
  }

  async books() {
    const { rows } = await db.query(`SELECT ${BOOK_COLUMNS} FROM books WHERE author_id = $1 ORDER BY id`, [this.id]);
    return rows.map((row) => new Book(row));
  }
}

function authorLoader() {
  return new DataLoader(async (ids) => {
    const { rows } = await db.query('SELECT id::text AS id, name FROM authors WHERE id = ANY($1::bigint[])', [ids]);
    const byId = new Map(rows.map((row) => [row.id, new Author(row)]));
    return ids.map((id) => byId.get(id) || null);
  });
}

const root = {
  async book({ id }) {
    if (!isId(id)) return null;
    const { rows } = await db.query(`SELECT ${BOOK_COLUMNS} FROM books WHERE id = $1`, [id]);
    return rows[0] ? new Book(rows[0]) : null;
  },
  async books({ tag, author_id: authorId, limit }) {
    const where = [];
    const params = [];
    if (tag != null) where.push(`tags @> ARRAY[$${params.push(tag)}]::text[]`);
    if (authorId != null) where.push(`author_id = $${params.push(isId(authorId) ? authorId : '0')}`);
    const size = Math.min(Math.max(limit, 1), 100);
    const { rows } = await db.query(
      `SELECT ${BOOK_COLUMNS} FROM books ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id LIMIT ${size}`,
      params,
    );
    return rows.map((row) => new Book(row));
  },
  async author({ id }, ctx) {
    return isId(id) ? ctx.authors.load(id) : null;
  },
};

module.exports = async function graphqlRoute(req, res) {
  const { query, variables, operationName } = req.body || {};
  if (typeof query !== 'string') {
    return res.status(400).json({ errors: [{ message: 'the body must be {"query": "...", "variables": {...}}' }] });
  }
  const result = await graphql({
    schema,
    source: query,
    rootValue: root,
    contextValue: { authors: authorLoader() },
    variableValues: variables,
    operationName,
  });
  res.json(result);
};
