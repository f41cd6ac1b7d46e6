import fs from 'node:fs';

let cached: string | undefined;

/**
 * The version in package.json, read once per process: `--version` prints it, the program's
 * help shows it, and the metadata cache is tied to it.
 */
export function packageVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
