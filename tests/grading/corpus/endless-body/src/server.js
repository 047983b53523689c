'use strict';
// The reference app, except that two of its answers never end: the list of books is an
// endless body, and one book is a small gzip stream that inflates without end. The harness
// reads 32 MB of either and stops; its memory, outside the jail, is not the app's to fill.
const http = require('http');
const zlib = require('zlib');
const { Readable } = require('stream');
const app = require('./app');

const spaces = Buffer.alloc(64 * 1024, 0x20);
const endless = () => new Readable({ read() { this.push(spaces); } });

http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/v1/books') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    endless().pipe(res);
    return;
  }
  if (req.method === 'GET' && /^\/v1\/books\/\d+$/.test(path)) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    endless().pipe(zlib.createGzip({ level: 9 })).pipe(res);
    return;
  }
  app(req, res);
}).listen(Number(process.env.PORT) || 3000, '127.0.0.1', () => console.log('listening'));
