'use strict';
// The reference app, except that the first loan makes its own database burn CPU in a loop
// (a DO block that never ends, from a connection of its own) and the app answers nothing
// from then on. The app itself stays idle: only the CPU-time limit, which counts what its
// database burns, can end the run.
const http = require('http');
const { Client } = require('pg');
const app = require('./app');

let burning = false;

async function burn() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  console.log('burning CPU in the database');
  await client.query('DO $$ BEGIN LOOP PERFORM 1; END LOOP; END $$');
}

http.createServer((req, res) => {
  if (!burning && req.method === 'POST' && req.url.startsWith('/v1/loans')) {
    burning = true;
    burn().catch((err) => console.error(`burn: ${err.message}`));
  }
  if (burning) return; // never answered
  app(req, res);
}).listen(Number(process.env.PORT) || 3000, '127.0.0.1', () => console.log('listening'));
