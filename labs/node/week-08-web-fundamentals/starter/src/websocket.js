'use strict';
// Task 7: a WebSocket echo (RFC 6455). server.js calls onUpgrade(req, socket, head) from the
// HTTP server's 'upgrade' event once you wire it: answer the handshake on the raw socket, then
// read frames from it and write frames to it.

function onUpgrade(req, socket) {
  // TODO: the 101 answer with Sec-WebSocket-Accept, then the frames.
  socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

module.exports = { onUpgrade };
