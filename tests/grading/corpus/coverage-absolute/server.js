'use strict';
require('http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
