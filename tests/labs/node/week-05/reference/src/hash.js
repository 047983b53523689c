// hash({ password, salt, iterations }) resolves to the hex of PBKDF2-HMAC-SHA256 (32 bytes).
// A pool of worker threads (one per CPU) takes the jobs from a queue: the event loop only
// posts messages, so it keeps answering while every worker hashes.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const SIZE = Math.max(1, availableParallelism());
const queue = [];
const idle = [];

function spawn() {
  const worker = new Worker(new URL('./hash-worker.js', import.meta.url));
  worker.unref(); // the pool never keeps the process alive on its own
  worker.on('message', ({ hash, error }) => {
    const { resolve, reject } = worker.job;
    worker.job = null;
    if (error) reject(new Error(error));
    else resolve(hash);
    next(worker);
  });
  worker.on('error', (err) => {
    if (worker.job) worker.job.reject(err);
    worker.job = null;
    spawn(); // replace it; its queue position is the next job's
  });
  next(worker);
}

function next(worker) {
  const job = queue.shift();
  if (!job) {
    idle.push(worker);
    return;
  }
  worker.job = job;
  worker.postMessage(job.input);
}

for (let i = 0; i < SIZE; i += 1) spawn();

export function hash(input) {
  return new Promise((resolve, reject) => {
    queue.push({ input, resolve, reject });
    const worker = idle.pop();
    if (worker) next(worker);
  });
}
