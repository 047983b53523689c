'use strict';
// A WebSocket echo on `upgrade` (RFC 6455): the handshake, then every text frame back, unmasked.
const crypto = require('node:crypto');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode, payload) {
  const length = payload.length;
  let head;
  if (length < 126) {
    head = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, payload]);
}

// One complete frame from the front of `buffer`, or null when more bytes are needed.
function parse(buffer) {
  if (buffer.length < 2) return null;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) {
    for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskOffset + (i % 4)];
  }
  return { opcode, masked, payload, size: offset + length };
}

function onUpgrade(req, socket) {
  const { pathname } = new URL(req.url, 'http://localhost');
  const key = req.headers['sec-websocket-key'];
  if (pathname !== '/ws' || (req.headers.upgrade || '').toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
    + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (let f = parse(pending); f; f = parse(pending)) {
      pending = pending.subarray(f.size);
      if (!f.masked) return socket.destroy(); // a client's frames are always masked
      if (f.opcode === 0x1 || f.opcode === 0x2) socket.write(frame(f.opcode, f.payload));
      else if (f.opcode === 0x9) socket.write(frame(0xa, f.payload));
      else if (f.opcode === 0x8) return socket.end(frame(0x8, f.payload.subarray(0, 2)));
    }
  });
  socket.on('error', () => socket.destroy());
}

module.exports = { onUpgrade };
