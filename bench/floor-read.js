#!/usr/bin/env node
// Floor for every command that reads all posts: a plain synchronous loop that reads and
// JSON-parses every post file, nothing else (no schema check, no sort, no output but a count).
//   node bench/floor-read.js <content>/posts
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('Utilisation : node bench/floor-read.js <dossier posts>\n');
  process.exitCode = 2;
} else {
  let count = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const post = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    if (post.slug) count++;
  }
  process.stdout.write(`${count}\n`);
}
