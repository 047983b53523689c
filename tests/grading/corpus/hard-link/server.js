'use strict';
// The grading test puts `shadow` here: a hard link to a root-only file of the machine.
// Reading it must fail (the copy leaves it out); if it can be read, the app never gets
// ready, and the verdict says so.
const fs = require('fs');
try {
  const text = fs.readFileSync('shadow', 'utf8');
  console.log(`read the linked file: ${text.length} bytes`);
  process.exit(42);
} catch (err) {
  console.log(`cannot read the linked file: ${err.code}`);
}
const http = require('http');
http.createServer((req, res) => {
  res.statusCode = req.url === '/health' ? 200 : 404;
  res.end(req.url === '/health' ? 'ok' : 'not found');
}).listen(Number(process.env.PORT), '127.0.0.1');
