'use strict';
// One JSON log line per request, with its request id: taken from X-Request-Id when the
// caller (or a proxy in front) sent a sane one, generated otherwise, and echoed in the
// response, so that a client's report can be matched with the server's log.
const crypto = require('node:crypto');
const pinoHttp = require('pino-http');
const logger = require('../log');

const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function requestId(req, res) {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : crypto.randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function level(req, res, err) {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return 'info';
}

const requestLogger = pinoHttp({
  logger,
  genReqId: requestId,
  customLogLevel: level,
  customAttributeKeys: { reqId: 'request_id', responseTime: 'duration_ms' },
  // req.log carries the request id: whatever a handler logs can be traced to its request.
  quietReqLogger: true,
  // Only what an operator needs; never the Authorization header or the body.
  serializers: {
    req: (req) => ({ method: req.method, url: req.url }),
    res: (res) => ({ status: res.statusCode }),
  },
});

module.exports = { requestLogger, requestId, level };
