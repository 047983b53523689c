'use strict';
// A busy loop before listening: the CPU-time limit must end it.
console.log('computing something forever');
for (;;) { /* spin */ }
