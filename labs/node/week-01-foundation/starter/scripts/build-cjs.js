// Builds the CommonJS copy of src/ that `require` can load: every src/**/*.js transpiled by
// TypeScript (no type checking: the sources are JavaScript) into dist/cjs/, with a
// package.json there that tells Node those .js files are CommonJS. Run by `npm run build`.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'dist', 'cjs');

await rm(out, { recursive: true, force: true });
for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = path.join(entry.parentPath ?? entry.path, entry.name);
  const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const target = path.join(out, path.relative(src, file));
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, outputText);
}
await writeFile(path.join(out, 'package.json'), '{ "type": "commonjs" }\n');
console.log(`built ${path.relative(root, out)}`);
