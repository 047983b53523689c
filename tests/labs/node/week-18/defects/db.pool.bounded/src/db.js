'use strict';
// DEFECT: no pool. Each query connects a new pg.Client and ends it afterwards:
// nothing leaks, but 50 concurrent requests open 50 connections.
const { Client } = require('pg');

async function connect() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return client;
}

/** Run one parameterized statement on a fresh connection. */
async function query(text, params) {
  const client = await connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** Run fn(client) inside BEGIN ... COMMIT on a fresh connection. */
async function transaction(fn) {
  const client = await connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      console.error(`pg: rollback failed: ${rollbackErr.message}`);
    }
    throw err;
  } finally {
    await client.end();
  }
}

async function close() {}

module.exports = { query, transaction, close };
