'use strict';
// Starts, and never listens: readiness must time out, not hang the grader.
console.log('warming up forever');
setInterval(() => {}, 1000);
