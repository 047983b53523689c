// Loads the package by its name with import, as an ES module user would, and prints one JSON
// line as probe.cjs does.
import sample from './sample.cjs';

let mod;
try {
  mod = await import(process.env.LAB_MODULE);
} catch (error) {
  console.log(JSON.stringify({ loadError: `${error.code ?? error.name}: ${error.message.split('\n')[0]}` }));
}
if (mod !== undefined) {
  try {
    console.log(JSON.stringify({ result: await sample(mod) }));
  } catch (error) {
    console.log(JSON.stringify({ callError: `${error.name}: ${error.message.split('\n')[0]}` }));
  }
}
