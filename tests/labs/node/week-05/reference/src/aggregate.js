// node src/aggregate.js <access.log>: prints the log's totals as one JSON object on stdout.
// readline over a read stream holds one buffer (64 KiB) and the line being read: the memory
// stays the same whatever the file's size.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

// Combined Log Format: host ident user [time] "method target protocol" status size ["referer" "agent"]
const REQUEST = /^\S+ \S+ \S+ \[[^\]]+\] "\S+ \S+ \S+" (\d{3}) (\d+|-)(?: .*)?$/;

export async function aggregate(path) {
  const totals = { requests: 0, bytes: 0, malformed: 0, status: {} };
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const match = REQUEST.exec(line);
    if (!match) {
      totals.malformed += 1;
      continue;
    }
    const [, status, size] = match;
    totals.requests += 1;
    if (size !== '-') totals.bytes += Number(size);
    totals.status[status] = (totals.status[status] ?? 0) + 1;
  }
  return totals;
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
