// Run by `npm run build` after tsc: writes what the package ships beside dist/, made from the
// compiled code itself so it never drifts from it.
//   schemas/post.schema.json, schemas/site.schema.json  JSON Schemas (draft 2020-12) of the zod schemas
//   man/news.1                                           the man page, from the program's own help
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas, SCHEMA_FILES } from '../dist/core/schemas.js';
import { buildFullProgram } from '../dist/cli/program.js';
import { manPage } from '../dist/cli/manpage.js';
import { packageVersion } from '../dist/version.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes a file only when its bytes change (a rebuild leaves the mtime alone). */
function write(relative, text) {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.writeFileSync(file, text);
}

const schemas = jsonSchemas();
for (const [kind, file] of Object.entries(SCHEMA_FILES)) {
  write(path.join('schemas', file), `${JSON.stringify(schemas[kind], null, 2)}\n`);
}

let captured = '';
const sink = { write: (chunk) => { captured += chunk; return true; } };
const ctx = {
  stdout: sink, stderr: sink, stdin: process.stdin, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false,
  env: {}, cwd: root, now: () => new Date(0), prompter: () => { throw new Error('no prompter at build time'); },
};
const program = await buildFullProgram(ctx);
const capture = (command) => {
  captured = '';
  command.outputHelp();
  return captured;
};
write(path.join('man', 'news.1'), manPage(program, packageVersion(), capture));
