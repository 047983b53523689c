'use strict';
// Tries to leave its sandbox: the internet (1.1.1.1:53, TCP and UDP, and DNS), this
// machine's own non-loopback addresses, and ports on 127.0.0.1 that only the host
// listens on (targets.json, written by the test). Only its own services may answer.
const net = require('net');
const dgram = require('dgram');
const dns = require('dns');
const http = require('http');
const { hosts, ports } = require('./targets.json');

function tcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.on('connect', () => { console.log(`CONNECTED ${host}:${port}`); socket.destroy(); resolve(); });
    socket.on('timeout', () => { console.log(`timeout ${host}:${port}`); socket.destroy(); resolve(); });
    socket.on('error', (err) => { console.log(`denied ${host}:${port}: ${err.code}`); resolve(); });
  });
}

async function escape() {
  await tcp('1.1.1.1', 53);
  await new Promise((resolve) => {
    const udp = dgram.createSocket('udp4');
    udp.send('x', 53, '1.1.1.1', (err) => { console.log(`udp 1.1.1.1:53: ${err ? err.code : 'sent'}`); udp.close(); resolve(); });
  });
  await new Promise((resolve) => dns.lookup('example.com', (err) => { console.log(`dns: ${err ? err.code : 'resolved'}`); resolve(); }));
  for (const host of hosts) for (const port of ports) await tcp(host, port);
  for (const port of ports) await tcp('127.0.0.1', port);
  const db = new URL(process.env.DATABASE_URL);
  await tcp(db.hostname, Number(db.port));  // its own database: this one must connect
}

escape().then(() => {
  http.createServer((req, res) => {
    res.statusCode = req.url === '/health' ? 200 : 404;
    res.end(req.url === '/health' ? 'ok' : 'not found');
  }).listen(Number(process.env.PORT), '127.0.0.1');
});
