#!/usr/bin/env node
// Floor for `news views import`: a bare loop that reads a file in 1 MiB chunks and splits it
// into lines (latin1 strings, indexOf), nothing else; prints the line count.
//   node bench/views-floor.js <log>
import fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('Utilisation : node bench/views-floor.js <journal>\n');
  process.exitCode = 2;
} else {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let carry = '';
  let lines = 0;
  let longest = 0;
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    const text = carry + buffer.toString('latin1', 0, n);
    let s = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', s)) {
      if (nl - s > longest) longest = nl - s;
      lines++;
      s = nl + 1;
    }
    carry = text.slice(s);
  }
  if (carry) lines++;
  fs.closeSync(fd);
  process.stdout.write(`${lines} ${longest}\n`);
}
