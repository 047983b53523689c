// retry with exponential backoff, a concurrency limiter, memoize and groupBy.

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function retry(fn, options = {}) {
  const {
    retries = 3,
    baseMs = 100,
    factor = 2,
    maxMs = 10_000,
    shouldRetry = () => true,
    sleep = defaultSleep,
  } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt > retries || !shouldRetry(error, attempt)) throw error;
      await sleep(Math.min(maxMs, baseMs * factor ** (attempt - 1)));
    }
  }
}

export function limit(concurrency) {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer of at least 1, got ${concurrency}`);
  }
  let active = 0;
  const queue = [];

  const next = () => {
    if (active >= concurrency || queue.length === 0) return;
    active += 1;
    const { task, resolve, reject } = queue.shift();
    // new Promise turns a synchronous throw into a rejection, so the slot is always freed.
    new Promise((run) => run(task()))
      .then(resolve, reject)
      .finally(() => {
        active -= 1;
        next();
      });
  };

  return (task) => new Promise((resolve, reject) => {
    queue.push({ task, resolve, reject });
    next();
  });
}

export function memoize(fn, options = {}) {
  const { key = (first) => first, maxSize = Infinity } = options;
  const cache = new Map();

  const memoized = function (...args) {
    const k = key(...args);
    if (cache.has(k)) {
      const value = cache.get(k);
      cache.delete(k); // re-inserted: a Map keeps insertion order, so the oldest is the LRU
      cache.set(k, value);
      return value;
    }
    const value = fn.apply(this, args);
    cache.set(k, value);
    if (cache.size > maxSize) cache.delete(cache.keys().next().value);
    if (value instanceof Promise) {
      value.catch(() => {
        if (cache.get(k) === value) cache.delete(k);
      });
    }
    return value;
  };
  memoized.clear = () => cache.clear();
  return memoized;
}

export function groupBy(items, keyOf) {
  const groups = Object.create(null);
  let index = 0;
  for (const item of items) {
    const k = keyOf(item, index);
    index += 1;
    (groups[k] ??= []).push(item);
  }
  return groups;
}
