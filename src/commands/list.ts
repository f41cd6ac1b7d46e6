import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { globalOptions, parseChoice, parseDayFlag, parsePositiveInt } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import type { CalendarDay } from '../core/dates.js';
import { filterPosts, isDue, sortPosts, type SortKey } from '../core/filters.js';
import type { Post } from '../core/post.js';
import { loadPostFile, loadSite, resolveContentDir } from '../store/content.js';
import { loadPostListings } from '../store/cache.js';
import { formatDateTimeFr, formatViewsFr } from '../format/french.js';
import { renderTable } from '../format/table.js';
import { colors } from '../format/color.js';
import { readFinishedContent, warnProblems } from './shared.js';

export interface ListOptions {
  dir?: string;
  all: boolean;
  drafts: boolean;
  tag?: string;
  since?: CalendarDay;
  until?: CalendarDay;
  sort: SortKey;
  reverse: boolean;
  limit?: number;
  /** Only published posts dated in the future, soonest first. */
  scheduled: boolean;
  json: boolean;
}

const SORT_KEYS = ['date', 'views', 'title'] as const;

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('list')
    .description('liste les billets publiés, du plus récent au plus ancien')
    .option('-a, --all', 'tous les billets, brouillons compris', false)
    .option('--drafts', 'seulement les brouillons', false)
    .option('--scheduled', 'seulement les billets programmés (publiés, datés dans le futur), le plus proche d’abord', false)
    .option('-t, --tag <étiquette>', 'seulement les billets portant cette étiquette')
    .option('--since <AAAA-MM-JJ>', 'billets datés de ce jour ou après', parseDayFlag('--since'))
    .option('--until <AAAA-MM-JJ>', 'billets datés de ce jour ou avant', parseDayFlag('--until'))
    .option('-s, --sort <clé>', 'tri : date, vues ou titre', parseChoice('--sort', SORT_KEYS), 'date')
    .option('-r, --reverse', 'ordre inverse', false)
    .option('-n, --limit <n>', 'au plus n billets', parsePositiveInt('--limit'))
    .option('--json', 'tableau JSON des billets tels que stockés', false)
    .addHelpText('after', '\nExemples :\n  news list\n  news list --all --sort vues --limit 10\n  news list --tag "réseaux sociaux" --since 2013-01-01 --json\n  news list --scheduled\n');
  prepareCommand(program, command, env).action(async (opts: Omit<ListOptions, 'dir'>, cmd: Command) => {
    env.setExitCode(await runList({ ...opts, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runList(opts: ListOptions, ctx: Context): Promise<number> {
  const dir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  const site = loadSite(dir);
  const { posts, problems } = await readFinishedContent(ctx, dir, site.timeZone, () => loadPostListings(dir, site.timeZone, ctx.env));
  warnProblems(ctx, problems);
  if (opts.scheduled && (opts.drafts || opts.all)) {
    throw new NewsError(`--scheduled ne va pas avec ${opts.drafts ? '--drafts' : '--all'} : un billet programmé est publié`, 2, { code: 'USAGE' });
  }
  const now = ctx.now();
  const statuses = new Set<Post['status']>(opts.drafts ? ['draft'] : opts.all ? ['published', 'draft'] : ['published']);
  // Staff see their scheduled posts too (marked); only exports hold them back.
  let kept = filterPosts(posts, { statuses, future: true, tag: opts.tag, since: opts.since, until: opts.until }, now, site.timeZone);
  if (opts.scheduled) kept = kept.filter(({ post }) => !isDue(post, now, site.timeZone));
  // A schedule reads soonest first.
  let sorted = sortPosts(kept, opts.sort, site.timeZone, opts.scheduled && opts.sort === 'date' ? !opts.reverse : opts.reverse);
  if (opts.limit !== undefined) sorted = sorted.slice(0, opts.limit);
  if (opts.json) {
    // Bodies were dropped while loading; read the chosen posts again, whole. A file that
    // changed for the worse meanwhile is named and left out, never printed without its body.
    const whole: Post[] = [];
    for (const { file } of sorted) {
      const reloaded = loadPostFile(dir, file);
      warnProblems(ctx, reloaded.problems);
      if (reloaded.post && reloaded.problems.length === 0) whole.push(reloaded.post);
    }
    writeJson(ctx.stdout, whole);
    return 0;
  }
  if (sorted.length === 0) {
    ctx.stderr.write(opts.scheduled ? 'Aucun billet programmé.\n' : 'Aucun billet ne correspond.\n');
    return 0;
  }
  const rows = sorted.map(({ post }) => {
    const marks = [post.status === 'draft' ? '[brouillon]' : '', post.status === 'published' && !isDue(post, now, site.timeZone) ? '[programmé]' : '']
      .filter(Boolean)
      .join(' ');
    return [formatDateTimeFr(post.date, site.timeZone), marks ? `${post.title} ${marks}` : post.title, formatViewsFr(post.views), post.slug];
  });
  const lines = renderTable(rows, [
    { style: (s) => colors.cyan(s) },
    { maxWidth: 60, style: (s) => colors.bold(s) },
    { align: 'right', style: (s) => colors.dim(s) },
    { style: (s) => colors.green(s) },
  ]);
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
