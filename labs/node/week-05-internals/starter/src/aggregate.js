// node src/aggregate.js <access.log>: prints the log's totals as one JSON object on stdout:
//   {"requests": 3441935, "bytes": 69414668653, "malformed": 6650, "status": {"200": 2104219, ...}}
// The log may be far larger than the memory you may use: read it as a stream (README, task 1).

export async function aggregate(path) {
  // TODO (task 1): stream the file line by line and count:
  //   requests  - lines that are requests (the README's pattern)
  //   bytes     - the sum of their response sizes ("-" counts 0)
  //   malformed - every other non-empty line
  //   status    - requests per status code, e.g. {"200": 12, "404": 1}
  throw new Error(`TODO: aggregate ${path} (src/aggregate.js)`);
}

const path = process.argv[2];
if (!path) {
  console.error('usage: node src/aggregate.js <access.log>');
  process.exit(2);
}
try {
  const totals = await aggregate(path);
  process.stdout.write(`${JSON.stringify(totals)}\n`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
