// hash({ password, salt, iterations }) resolves to the hex of PBKDF2-HMAC-SHA256 (32 bytes) of
// the password and salt (UTF-8 strings). Each call takes a CPU for a while: it must not run on
// the event loop, or the server stops answering (even /health) until it ends (README, task 2).

export async function hash({ password, salt, iterations }) {
  // TODO (task 2): compute it in a worker thread (node:worker_threads, a small pool fed by a
  // queue) or with the callback API crypto.pbkdf2, never crypto.pbkdf2Sync here.
  throw new Error(`TODO: hash with ${iterations} iterations (src/hash.js)`);
}
