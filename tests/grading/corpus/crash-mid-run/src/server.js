'use strict';
// The reference app, except that the first loan kills the process: it crashes in the
// middle of the run, after some checks have passed.
const http = require('http');
const app = require('./app');

http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/v1/loans')) {
    console.error('fatal: unexpected state while lending');
    process.exit(3);
  }
  app(req, res);
}).listen(Number(process.env.PORT) || 3000, '127.0.0.1', () => console.log('listening'));
