'use strict';
// The reference app, except that the first loan makes its own database hold more memory
// than its limit allows (rows of 100 MB aggregated in one statement, as any role may), which
// kills the server process running it, and the whole server restarts. Then the app exits.
const http = require('http');
const { Client } = require('pg');
const app = require('./app');

async function exhaust() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  client.on('error', () => {});
  await client.connect();
  console.log('filling the database server\'s memory');
  // 100 MB a row (a 10 kB string repeated, cheap to build), all kept until the aggregate
  // ends: far more rows than any services memory limit holds.
  await client.query("SELECT cardinality(array_agg(repeat(repeat('x', 10000), 10000 + g))) "
                     + 'FROM generate_series(1, 1000) g');
}

http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/v1/loans')) {
    exhaust().then(
      () => { console.error('the database survived'); process.exit(5); },
      (err) => { console.error(`database gone: ${err.message}`); process.exit(4); },
    );
    return;
  }
  app(req, res);
}).listen(Number(process.env.PORT) || 3000, '127.0.0.1', () => console.log('listening'));
