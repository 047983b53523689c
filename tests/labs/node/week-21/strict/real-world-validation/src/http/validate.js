'use strict';
// Small input checks shared by the routes. Ids are bigint in PostgreSQL and
// strings in JSON: anything that is not a bigint never reaches the database.
const { notFoundError, validationError } = require('./problem');

const MAX_BIGINT = 9223372036854775807n;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

/** A positive bigint written in digits, returned as a string; else null. */
function asId(value) {
  let text;
  if (typeof value === 'string') text = value;
  else if (Number.isSafeInteger(value)) text = String(value);
  else return null;
  if (!/^[0-9]{1,19}$/.test(text)) return null;
  const n = BigInt(text);
  return n >= 1n && n <= MAX_BIGINT ? n.toString() : null;
}

/** The :id path parameter; a malformed id names no resource, hence 404. */
function pathId(req, what) {
  const id = asId(req.params.id);
  if (id === null) throw notFoundError(what);
  return id;
}

/** The request body as a plain object, or 422. */
function bodyObject(req) {
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError('the request body must be a JSON object (Content-Type: application/json)');
  }
  return body;
}

function requireId(body, field) {
  const id = asId(body[field]);
  if (id === null) throw validationError(`${field} must be an id (a positive integer or a string of digits)`);
  return id;
}

function requireText(body, field) {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw validationError(`${field} must be a non-empty string`);
  }
  return value;
}

function requireInt(body, field, { min = INT4_MIN, max = INT4_MAX, nullable = false } = {}) {
  const value = body[field];
  if (value === null && nullable) return null;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationError(`${field} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function requireTags(body, field) {
  const value = body[field];
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
    throw validationError(`${field} must be an array of strings`);
  }
  return value;
}

// Stricter than the Shelf contract, as a careful learner writes it: real ISBN-13s, e-mail
// addresses a mail system accepts, plausible years, single-word tags.

/** An ISBN-13 with its check digit (weights 1, 3, 1, 3 ...), hyphens allowed. */
function requireIsbn(body, field) {
  const value = requireText(body, field);
  const digits = value.replace(/-/g, '');
  if (!/^97[89][0-9]{10}$/.test(digits)) throw validationError(`${field} must be an ISBN-13`);
  const sum = [...digits.slice(0, 12)].reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  if ((10 - (sum % 10)) % 10 !== Number(digits[12])) throw validationError(`${field} has a wrong check digit`);
  return value;
}

// validator.js isEmail's shape, plus the special-use names email-validator refuses.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.[a-zA-Z]{2,}$/;
const SPECIAL_USE = new Set(['test', 'local', 'localhost', 'invalid', 'example', 'onion', 'arpa']);

function requireEmail(body, field) {
  const value = requireText(body, field);
  const tld = value.split('.').pop().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value) || SPECIAL_USE.has(tld)) {
    throw validationError(`${field} is not a valid e-mail address`);
  }
  return value;
}

function requireYear(body, field) {
  const value = requireInt(body, field, { nullable: true });
  if (value !== null && (value < 1450 || value > new Date().getFullYear() + 1)) {
    throw validationError(`${field} must be a year between 1450 and next year`);
  }
  return value;
}

function requireWordTags(body, field) {
  const value = requireTags(body, field);
  if (!value.every((t) => /^[a-z0-9][a-z0-9-]{0,39}$/.test(t))) {
    throw validationError(`${field} must be lower-case words`);
  }
  return value;
}

module.exports = {
  asId, pathId, bodyObject, requireId, requireText, requireInt, requireTags, INT4_MAX,
  requireIsbn, requireEmail, requireYear, requireWordTags,
};
