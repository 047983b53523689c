'use strict';
// The body of GET /catalog: 2000 entries, about 210 KB of JSON, the same on every start.
// Large and repetitive, as JSON lists are: gzip makes it a small fraction of its size.

const COLOURS = ['red', 'green', 'blue', 'black', 'white'];
const SIZES = ['S', 'M', 'L', 'XL'];

const entries = Array.from({ length: 2000 }, (_, i) => ({
  id: i + 1,
  name: `item ${i + 1}`,
  colour: COLOURS[i % COLOURS.length],
  size: SIZES[i % SIZES.length],
  priceCents: 500 + ((i * 37) % 4500),
  tags: ['catalog', `batch-${Math.floor(i / 100) + 1}`],
}));

module.exports = { entries };
