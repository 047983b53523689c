// The types of src/index.js, as users of this package see them. Replace each `any` with
// the precise types LAB.md describes: the harness checks them with tsc --strict.

export declare function retry(fn: any, options?: any): any;

export declare function limit(concurrency: any): any;

export declare function memoize(fn: any, options?: any): any;

export declare function groupBy(items: any, keyOf: any): any;
