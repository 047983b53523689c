'use strict';
// A gigabyte of log, as fast as the pipe takes it: the log limit must stop it.
const chunk = ('spam '.repeat(200) + '\n').repeat(64);
let written = 0;
function flood() {
  while (written < 1024 * 1024 * 1024) {
    written += chunk.length;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', flood);
  }
}
flood();
