'use strict';
// The API of LAB.md on node:http alone: a route table, HEAD as GET without a body, 405 + Allow,
// an ETag on the note list. The same handler serves HTTP/1.1 and HTTP/2 (the compat API).
const crypto = require('node:crypto');

const notes = new Map(); // id -> { id, text }, in creation order
let nextId = 1;

function send(res, status, body, type = 'application/json') {
  const text = body === undefined ? '' : type === 'application/json' ? JSON.stringify(body) : String(body);
  // 204 and 304 carry no Content-Length (RFC 9110 §8.6): they describe no body.
  const headers = status === 204 || status === 304 ? {} : { 'Content-Length': Buffer.byteLength(text) };
  if (text) headers['Content-Type'] = type === 'application/json' ? type : `${type}; charset=utf-8`;
  res.writeHead(status, { ...headers, ...res.extraHeaders });
  res.end(text); // node drops the body of a HEAD response and of a 204/304 by itself
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ ok: false });
      }
    });
  });
}

function listEtag() {
  const hash = crypto.createHash('sha1').update(JSON.stringify([...notes.values()])).digest('base64url');
  return `"${hash}"`;
}

// If-None-Match is a list of entity tags or `*`, compared weakly (RFC 9110 §13.1.2).
function noneMatch(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (tag) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => bare(tag) === bare(etag));
}

const routes = [
  {
    path: /^\/health$/,
    methods: { GET: (req, res) => send(res, 200, 'ok', 'text/plain') },
  },
  {
    path: /^\/hello$/,
    methods: { GET: (req, res) => send(res, 200, 'hello, world', 'text/plain') },
  },
  {
    path: /^\/notes$/,
    methods: {
      GET: (req, res) => {
        const etag = listEtag();
        res.extraHeaders = { ETag: etag };
        if (noneMatch(req.headers['if-none-match'], etag)) return send(res, 304);
        send(res, 200, [...notes.values()]);
      },
      POST: async (req, res) => {
        const body = await readJson(req);
        const text = body.ok && body.value && typeof body.value === 'object' ? body.value.text : undefined;
        if (typeof text !== 'string' || text === '') {
          return send(res, 400, { error: 'the body must be JSON {"text": "<a non-empty string>"}' });
        }
        const note = { id: String(nextId++), text };
        notes.set(note.id, note);
        res.extraHeaders = { Location: `/notes/${note.id}` };
        send(res, 201, note);
      },
    },
  },
  {
    path: /^\/notes\/([^/]+)$/,
    methods: {
      GET: (req, res, id) => (notes.has(id) ? send(res, 200, notes.get(id)) : send(res, 404, { error: 'no such note' })),
      DELETE: (req, res, id) => {
        if (!notes.delete(id)) return send(res, 404, { error: 'no such note' });
        send(res, 204);
      },
    },
  },
];

function handle(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (!match) continue;
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
      res.extraHeaders = { Allow: allow.join(', ') };
      return send(res, 405, { error: `${req.method} is not allowed here` });
    }
    return Promise.resolve(handler(req, res, decodeURIComponent(match[1] ?? ''))).catch((err) => {
      console.error(err);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  }
  send(res, 404, { error: 'not found' });
}

module.exports = { handle };
