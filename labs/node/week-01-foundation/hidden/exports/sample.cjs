// What import and require must both give: the four functions, working. Shared by the two
// probes (a .cjs file: both a CommonJS and an ES module can load it).
module.exports = async function sample(mod) {
  const names = ['retry', 'limit', 'memoize', 'groupBy'];
  const kinds = Object.fromEntries(names.map((name) => [name, typeof mod[name]]));
  if (names.some((name) => kinds[name] !== 'function')) return { kinds };
  const grouped = mod.groupBy(['apple', 'avocado', 'banana'], (word) => word[0]);
  let calls = 0;
  const square = mod.memoize((n) => { calls += 1; return n * n; });
  square(3); square(3);
  let attempts = 0;
  const retried = await mod.retry(async () => { attempts += 1; if (attempts < 2) throw new Error('once'); return 'ok'; },
    { sleep: async () => {} });
  const run = mod.limit(1);
  const limited = await Promise.all([run(async () => 1), run(() => 2)]);
  return { kinds, groupBy: { ...grouped }, memoizeCalls: calls, retry: [retried, attempts], limit: limited };
};
