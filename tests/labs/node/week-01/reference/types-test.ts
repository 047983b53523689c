// Type tests: `npm run typecheck` compiles this file with tsc --strict. A line under
// `// @ts-expect-error` must be a type error, or tsc reports the directive unused.
import { groupBy, limit, memoize, retry } from 'foundation-utils';

const answer: Promise<number> = retry(async () => 42, { retries: 2 });
// @ts-expect-error: the result keeps the callback's type
const wrong: Promise<string> = retry(async () => 42);

const run = limit(2);
const text: Promise<string> = run(async () => 'x');

const add = memoize((a: number, b: number) => a + b, { key: (a, b) => `${a},${b}` });
const sum: number = add(1, 2);
// @ts-expect-error: the arguments keep their types
add('1', 2);

const byInitial = groupBy(['apple', 'banana'], (word) => word[0]);
const apples: string[] | undefined = byInitial.a;

void [answer, wrong, text, sum, apples];
