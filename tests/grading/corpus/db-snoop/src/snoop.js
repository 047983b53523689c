'use strict';
// Before starting the real app: reach for every other database on the server (drop
// them), create a superuser, read the password hashes, take over the harness's role.
// All of it must be refused; the app then runs as the reference does.
const { Client } = require('pg');

async function snoop() {
  const url = new URL(process.env.DATABASE_URL);
  const own = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT datname FROM pg_database ORDER BY datname');
    for (const { datname } of rows) {
      if (datname === own) continue;
      try {
        await client.query(`DROP DATABASE "${datname}"`);
        console.log(`DROPPED ${datname}`);
      } catch (err) {
        console.log(`drop ${datname}: ${err.message}`);
      }
    }
    for (const sql of ['CREATE ROLE intruder SUPERUSER LOGIN', 'SELECT rolname, rolpassword FROM pg_authid',
                       "ALTER ROLE harness PASSWORD 'owned'"]) {
      try {
        await client.query(sql);
        console.log(`RAN ${sql}`);
      } catch (err) {
        console.log(`${sql}: ${err.message}`);
      }
    }
  } catch (err) {
    console.log(`snoop: ${err.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

snoop().then(() => require('./server'));
