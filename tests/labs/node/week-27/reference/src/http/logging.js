'use strict';
// A JSON line per request with its id: X-Request-Id from the client when it sent a sane
// one, a new UUID otherwise; the id goes back on the response and on req.log's lines.
const { randomUUID } = require('node:crypto');
const pinoHttp = require('pino-http');
const logger = require('../log');

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

module.exports = pinoHttp({
  logger,
  genReqId(req, res) {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  },
});
