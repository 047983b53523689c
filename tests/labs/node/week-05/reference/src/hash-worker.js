// One hash at a time, off the main thread: pbkdf2Sync blocks only this worker.
import { pbkdf2Sync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

parentPort.on('message', ({ password, salt, iterations }) => {
  try {
    parentPort.postMessage({ hash: pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('hex') });
  } catch (err) {
    parentPort.postMessage({ error: err.message });
  }
});
