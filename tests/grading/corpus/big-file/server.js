'use strict';
// Writes one huge file into its own folder: the file-size limit must stop it.
const fs = require('fs');
const block = Buffer.alloc(1 << 20, 7);
const fd = fs.openSync('huge.bin', 'w');
for (let i = 0; i < 1024; i++) fs.writeSync(fd, block);
console.log('wrote a gigabyte');
