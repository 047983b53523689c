// hash({ password, salt, iterations }) resolves to the hex of PBKDF2-HMAC-SHA256 (32 bytes).
// Synchronous: a cluster of processes (src/cluster.js) is meant to keep the others answering.
import { pbkdf2Sync } from 'node:crypto';

export async function hash({ password, salt, iterations }) {
  return pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('hex');
}
