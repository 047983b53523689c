// The lab's hidden type tests: the harness copies this folder into the project's
// .harness/hidden/, writes the package's name where __PACKAGE__ stands, and runs the
// project's own tsc on it with the tsconfig.json beside it (strict, noEmit). The package's
// types resolve through its package.json "exports" ("types" condition), as a user's would.
// A line under `@ts-expect-error` must be a type error: types that accept it (any) fail.
import { groupBy, limit, memoize, retry } from '__PACKAGE__';
import type { RetryOptions } from '__PACKAGE__';

// retry: the result is a promise of what the callback returns or resolves to.
const n: Promise<number> = retry(async () => 1);
const fromSync: Promise<string> = retry((attempt: number) => `attempt ${attempt}`);
// @ts-expect-error retry keeps the callback's result type
const wrongResult: Promise<string> = retry(async () => 1);
const options: RetryOptions = {
  retries: 2, baseMs: 10, factor: 2, maxMs: 100,
  shouldRetry: (error: unknown, attempt: number) => !(error instanceof TypeError) && attempt < 3,
  sleep: async (ms: number) => { void ms; },
};
retry(async () => 1, options);
// @ts-expect-error an option retry does not have
retry(async () => 1, { retry: 2 });
// @ts-expect-error retries is a number
retry(async () => 1, { retries: '2' });

// limit: a function that runs a task and gives a promise of its result.
const run = limit(2);
const s: Promise<string> = run(async () => 'x');
const fromSyncTask: Promise<number> = run(() => 3);
// @ts-expect-error the task's result type is kept
const wrongTask: Promise<number> = run(async () => 'x');
// @ts-expect-error concurrency is a number
limit('2');

// memoize: the same parameters and result as the function, and clear().
const add = memoize((a: number, b: number) => a + b);
const sum: number = add(1, 2);
add.clear();
// @ts-expect-error the parameters keep their types
add('1', 2);
// @ts-expect-error the result keeps its type
const notText: string = add(1, 2);
const keyed = memoize((a: number, b: string) => `${a}${b}`, { key: (a, b) => `${a}|${b.length}`, maxSize: 10 });
const joined: string = keyed(1, 'x');
// @ts-expect-error the key function gets the same parameters
memoize((a: number) => a, { key: (a: string) => a });

// groupBy: groups named by the key function's result type, each an array of the items.
type Book = { title: string; genre: 'poetry' | 'prose' };
const books: Book[] = [{ title: 'Odes', genre: 'poetry' }];
const byGenre = groupBy(books, (book) => book.genre);
const poetry: Book[] | undefined = byGenre.poetry;
// @ts-expect-error a group the key function never returns
byGenre.drama;
// @ts-expect-error a group may be missing: it is not Book[] for sure
const prose: Book[] = byGenre.prose;
const byIndex = groupBy(new Set(['a', 'b']), (item: string, index: number) => index % 2);
const firsts: string[] | undefined = byIndex[0];

void [n, fromSync, wrongResult, s, fromSyncTask, wrongTask, sum, notText, joined, poetry, prose, firsts];
