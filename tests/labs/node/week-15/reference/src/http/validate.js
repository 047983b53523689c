'use strict';
// Input checks shared by the routes: each returns the value or throws a 422.
const { validationError } = require('./problem');

/** The request body as a plain object, or 422. */
function bodyObject(req) {
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError('the request body must be a JSON object (Content-Type: application/json)');
  }
  return body;
}

function text(body, field, { max = 200 } = {}) {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw validationError(`${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

function id(body, field) {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw validationError(`${field} must be an id (a string)`);
  return value;
}

function integer(body, field, { min, max, nullable = false }) {
  const value = body[field];
  if (value === null && nullable) return null;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationError(`${field} must be an integer from ${min} to ${max}${nullable ? ' or null' : ''}`);
  }
  return value;
}

function tags(body, field) {
  const value = body[field];
  if (!Array.isArray(value) || value.length > 20
      || !value.every((t) => typeof t === 'string' && t !== '' && t.length <= 40)) {
    throw validationError(`${field} must be an array of at most 20 non-empty strings`);
  }
  return value;
}

/** A query parameter given at most once, as a string. */
function queryValue(query, name) {
  const value = query[name];
  if (value !== undefined && typeof value !== 'string') throw validationError(`${name} must be given once`);
  return value;
}

module.exports = { bodyObject, text, id, integer, tags, queryValue };
