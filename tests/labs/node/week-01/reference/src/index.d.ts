// The types of src/index.js, as users of this package see them.

export interface RetryOptions {
  /** Attempts after the first one; default 3. */
  retries?: number;
  /** The delay after the first failure, in ms; default 100. */
  baseMs?: number;
  /** Each next delay is the previous one times this; default 2. */
  factor?: number;
  /** No delay is longer than this, in ms; default 10000. */
  maxMs?: number;
  /** Whether to try again after this error (attempt: the one that failed, from 1); default: always. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** The clock: waits ms milliseconds; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export declare function retry<T>(fn: (attempt: number) => T | PromiseLike<T>, options?: RetryOptions): Promise<T>;

export type Limited = <T>(task: () => T | PromiseLike<T>) => Promise<T>;

export declare function limit(concurrency: number): Limited;

export interface MemoizeOptions<A extends unknown[]> {
  /** The cache key of a call; default: its first argument. */
  key?: (...args: A) => unknown;
  /** The most entries kept; the least recently used goes first. Default: no limit. */
  maxSize?: number;
}

export type Memoized<A extends unknown[], R> = ((...args: A) => R) & { clear(): void };

export declare function memoize<A extends unknown[], R>(fn: (...args: A) => R, options?: MemoizeOptions<A>): Memoized<A, R>;

export declare function groupBy<T, K extends PropertyKey>(
  items: Iterable<T>,
  keyOf: (item: T, index: number) => K,
): Partial<Record<K, T[]>>;
