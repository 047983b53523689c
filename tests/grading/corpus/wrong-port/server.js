'use strict';
// Listens on a port of its own choosing instead of $PORT.
const http = require('http');
http.createServer((req, res) => res.end('ok')).listen(9999, '127.0.0.1', () => console.log('listening on 9999'));
