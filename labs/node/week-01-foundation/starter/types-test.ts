// Your own type tests: `npm run typecheck` compiles this file with tsc --strict. A line
// under `// @ts-expect-error` must be a type error; if your types accept it, tsc says
// "Unused '@ts-expect-error' directive". Add your own cases as you write src/index.d.ts.
import { groupBy } from 'foundation-utils';

const byInitial = groupBy(['apple', 'banana'], (word: string) => word[0]);
void byInitial;
