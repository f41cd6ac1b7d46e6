import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import type { Post } from '../core/post.js';
import { loadPostFile, loadSite, resolveContentDir } from '../store/content.js';
import { locatePost } from '../store/change.js';
import { formatDateTimeFr, formatViewsBracketedFr } from '../format/french.js';
import { isDue } from '../core/filters.js';
import { colors } from '../format/color.js';
import { printableText } from '../format/table.js';
import { markdownToText } from '../format/markdown-text.js';
import { readFinishedContent } from './shared.js';

export interface ShowOptions {
  dir?: string;
  slug: string;
  json: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('show')
    .description('affiche un billet comme un lecteur le voit')
    .argument('<slug>', 'slug du billet (ou un ancien slug devenu alias)')
    .option('--json', 'le billet tel que stocké, en JSON', false)
    .addHelpText('after', '\nExemples :\n  news show le-miroir-brise-des-reseaux-sociaux\n  news show le-miroir-brise-des-reseaux-sociaux --json\n');
  prepareCommand(program, command, env).action(async (slug: string, opts: { json: boolean }, cmd: Command) => {
    env.setExitCode(await runShow({ slug, json: opts.json, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

/** The post with this slug, or the post that lists it among its aliases. */
function findPost(dir: string, slug: string, timeZone: string, env: Context['env']): Post {
  return readWholePost(dir, locatePost(dir, slug, timeZone, env).file);
}

function readWholePost(dir: string, file: string): Post {
  const loaded = loadPostFile(dir, file);
  if (loaded.problems.length > 0) {
    throw new NewsError(`billet illisible :\n  ${loaded.problems.map((p) => p.message).join('\n  ')}`);
  }
  return loaded.post!;
}

export async function runShow(opts: ShowOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const post = await readFinishedContent(ctx, dir, site.timeZone, () => findPost(dir, opts.slug, site.timeZone, ctx.env));
  if (opts.json) {
    writeJson(ctx.stdout, post);
    return 0;
  }
  const line = (text: string) => printableText(text, true);
  const lines = [colors.bold(line(post.title))];
  const status = post.status === 'draft'
    ? ` ${colors.yellow('[brouillon]')}`
    : isDue(post, ctx.now(), site.timeZone) ? '' : ` ${colors.yellow('[programmé]')}`;
  lines.push(`${formatDateTimeFr(post.date, site.timeZone)} ${formatViewsBracketedFr(post.views)}${status}`);
  if (post.author) lines.push(`par ${line(post.author)}`);
  if (post.tags.length > 0) lines.push(`Étiquettes : ${post.tags.map(line).join(', ')}`);
  if (post.summary) lines.push('', colors.italic(printableText(post.summary)));
  // The body as a reader sees it: Markdown rendered to plain text (no `\*` escapes, no markup).
  lines.push('', markdownToText(printableText(post.body), { heading: (text) => colors.bold(text) }).trimEnd());
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
