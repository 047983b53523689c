'use strict';

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the gateway is a participant. It
// keeps the caller's trace id and flags, and names its own span as the catalog call's parent.
const { randomBytes } = require('node:crypto');

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function hex(bytes) {
  let id;
  do id = randomBytes(bytes).toString('hex'); while (/^0+$/.test(id));
  return id;
}

function parse(header) {
  const match = TRACEPARENT.exec(String(header || '').trim());
  if (!match) return null;
  const [, version, traceId, parentId, flags] = match;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  return { traceId, flags };
}

// The headers for the outgoing call: the same trace (or a new one), a span id of the gateway's.
function outgoing(headers) {
  const incoming = parse(headers.traceparent);
  const traceId = incoming ? incoming.traceId : hex(16);
  const flags = incoming ? incoming.flags : '01';
  const out = { traceparent: `00-${traceId}-${hex(8)}-${flags}` };
  if (incoming && headers.tracestate) out.tracestate = headers.tracestate;
  return out;
}

module.exports = { outgoing };
