'use strict';
// Allocates (and touches) memory until something stops it: the cgroup's limit.
const hoard = [];
setInterval(() => {
  for (let i = 0; i < 4; i++) hoard.push(Buffer.alloc(16 << 20, 1));
  console.log(`holding ${hoard.length * 16} MB`);
}, 20);
