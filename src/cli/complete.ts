import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../core/context.js';

/*
 * `news __complete slugs [--dir <dossier>]`: the fast path shell completion calls at each
 * Tab press. A listing of posts/ and nothing else: no commander, no post read. Silent on
 * any problem (a completion must never print an error into the command line).
 */

/** The slugs of the content folder named by these words (`--dir`, else $NEWS_DIR, else ./content). */
export function completeSlugs(words: string[], ctx: Pick<Context, 'env' | 'cwd'>): string[] {
  let dir: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if ((word === '-d' || word === '--dir') && i + 1 < words.length) dir = words[++i];
    else if (word.startsWith('--dir=')) dir = word.slice('--dir='.length);
  }
  const contentDir = path.resolve(ctx.cwd, dir ?? (ctx.env.NEWS_DIR || 'content'));
  try {
    return fs
      .readdirSync(path.join(contentDir, 'posts'))
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

export function runComplete(args: string[], ctx: Context): number {
  if (args[0] === 'slugs') {
    const slugs = completeSlugs(args.slice(1), ctx);
    if (slugs.length > 0) ctx.stdout.write(`${slugs.join('\n')}\n`);
  }
  return 0;
}
