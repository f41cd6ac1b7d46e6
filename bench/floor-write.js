#!/usr/bin/env node
// Floor for a static site: create <folders> folders under a new <out> folder and write one
// file of <bytes> bytes in each (<out>/p<i>/index.html), with a synchronous loop and nothing
// else. The benchmark gives it the number of folders and bytes news export html wrote.
//   node bench/floor-write.js <out> <folders> <bytes per file>
import fs from 'node:fs';
import path from 'node:path';

const [out, folders, bytes] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!out || !Number.isInteger(folders) || !Number.isInteger(bytes)) {
  process.stderr.write('Utilisation : node bench/floor-write.js <dossier neuf> <dossiers> <octets par fichier>\n');
  process.exitCode = 2;
} else {
  const content = 'x'.repeat(bytes);
  fs.mkdirSync(out);
  for (let i = 0; i < folders; i++) {
    const dir = path.join(out, `p${i}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'index.html'), content);
  }
  process.stdout.write(`${folders}\n`);
}
