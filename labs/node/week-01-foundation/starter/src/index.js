// The four utilities of this lab. Each throws until you write it: see LAB.md for what each
// must do, and src/index.d.ts for its types.

export async function retry(fn, options = {}) {
  throw new Error('not implemented: retry');
}

export function limit(concurrency) {
  throw new Error('not implemented: limit');
}

export function memoize(fn, options = {}) {
  throw new Error('not implemented: memoize');
}

export function groupBy(items, keyOf) {
  throw new Error('not implemented: groupBy');
}
