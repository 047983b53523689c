// Loads the package by its name with require(), as a CommonJS user would, and prints one JSON
// line: {"loadError"} when require() throws, {"callError"} when a function call throws, else
// {"result"} (sample.cjs).
const sample = require('./sample.cjs');

async function main() {
  let mod;
  try {
    mod = require(process.env.LAB_MODULE);
  } catch (error) {
    console.log(JSON.stringify({ loadError: `${error.code ?? error.name}: ${error.message.split('\n')[0]}` }));
    return;
  }
  try {
    console.log(JSON.stringify({ result: await sample(mod) }));
  } catch (error) {
    console.log(JSON.stringify({ callError: `${error.name}: ${error.message.split('\n')[0]}` }));
  }
}
main();
