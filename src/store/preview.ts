import path from 'node:path';
import { lastChangeOf } from '../core/dates.js';
import { isDue, filterPosts, sortPosts } from '../core/filters.js';
import { NewsError } from '../core/errors.js';
import { formatDateFr } from '../format/french.js';
import { planHtmlSiteIndexed, type IndexedPlan } from '../export/html.js';
import type { Post } from '../core/post.js';
import { digest, planKeyOf, type PlanInputs, type SiteSettings } from '../export/plan-key.js';
import { escapeHtml } from '../export/text.js';
import { loadTheme, type TemplateCache } from '../export/theme.js';
import { themeFiles, themeHashOf, type StaticFile } from '../export/theme-files.js';
import { loadStaticSources, type StaticTable } from './static-sources.js';
import { ChangedSinceRead } from './tables.js';
import { loadPostSources, type PostTable, type SourcedPost } from './post-sources.js';
import type { PostTableStore } from './preview-table.js';
import { loadPostFile, loadSite, postsDir } from './content.js';

/**
 * The site `news serve` shows, kept in memory and rebuilt incrementally: the plan of
 * `export html` (drafts and scheduled posts included, each with a French banner on its page,
 * links relative to the local address), where a file whose key did not change since the last
 * build is neither rendered nor copied, and a changed one is rendered when a browser asks for
 * it. It only reads the content folder.
 */

export interface PreviewFile {
  key: string;
  /** Rendered on first request (a rebuild only plans: the page asked for is made when asked). */
  bytes?: Buffer;
  render?: () => Buffer;
}

export interface RebuildResult {
  /** Whether what a browser would see may have changed (a file's key, the files, or the error shown). */
  changed: boolean;
  /** Files whose key changed (made again when next asked for). */
  rendered: number;
  ms: number;
  /** Whether the last plan was changed in place (posts whose content alone changed). */
  inPlace: boolean;
}

function bannerOf(status: 'draft' | 'scheduled', date: string, timeZone: string): string {
  const text = status === 'draft'
    ? 'Brouillon : ce billet n’est pas publié, seul l’aperçu le montre.'
    : `Programmé : ce billet sera publié ${formatDateFr(date, timeZone)} ; seul l’aperçu le montre d’ici là.`;
  return `<p class="news-preview-banner" role="status" style="margin:0;padding:.6em 1em;background:#fff3cd;color:#533f03;border-bottom:2px solid #c9a227;font:600 1rem/1.4 system-ui,sans-serif">${escapeHtml(text)}</p>\n`;
}

/** Puts `html` right after the opening `<body …>` tag. */
function afterBodyTag(page: string, html: string): string {
  const body = page.search(/<body[\s>]/i);
  const end = body < 0 ? -1 : page.indexOf('>', body);
  return end < 0 ? html + page : page.slice(0, end + 1) + '\n' + html + page.slice(end + 1);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A planned file's bytes as the preview serves them: with its banner, if it has one. */
function renderWith(render: () => string | Uint8Array, banner: string | undefined): () => Buffer {
  return () => {
    const content = render();
    return Buffer.from(banner === undefined ? content : afterBodyTag(typeof content === 'string' ? content : Buffer.from(content).toString('utf8'), banner));
  };
}

export interface PreviewOptions {
  /** Where the post table is kept between two runs (store/preview-table.ts), if anywhere. */
  tables?: PostTableStore;
  /** Where the theme's compiled templates are kept between two runs (store/template-cache.ts), if anywhere. */
  templates?: TemplateCache;
  /** Told each time `version` goes up, whoever rebuilt (serve's watcher, or bytesOf itself): serve tells the open pages. */
  onVersion?: () => void;
}

export class PreviewSite {
  private readonly files = new Map<string, PreviewFile>();
  /** What is wrong with the content (a broken post, a template error), shown instead of the pages. */
  error: string | undefined = undefined;
  /**
   * Counts the rebuilds after which a browser may see something else (RebuildResult.changed),
   * including the one bytesOf may run itself: a page made at one version is stale at another.
   */
  version = 0;
  private table: PostTable | undefined = undefined;
  private tableZone: string | undefined = undefined;
  /** The last plan, kept to be changed in place when a post's content alone changed. */
  private indexed: IndexedPlan | undefined = undefined;
  /** The posts of the last plan, by file name, and the banners of its pages. */
  private byName = new Map<string, SourcedPost>();
  private banners = new Map<string, string>();
  /** Post files read by an in-place update since the post table was made (the table still has them as they were). */
  private readonly updatedInPlace = new Set<string>();
  /**
   * The last plan's key (export/plan-key.ts, as export compares plans), kept up to date by
   * in-place updates, and what it was made from besides its posts: a rebuild told nothing whose
   * key is this one keeps the plan as it is.
   */
  private planned: { key: string; site: SiteSettings; inputs: PlanInputs } | undefined = undefined;
  private theme: ReturnType<typeof loadTheme> | undefined = undefined;
  private staticFiles: StaticFile[] | undefined = undefined;
  /** static/'s files as last hashed: a full check reads only those whose identity changed. */
  private staticTable: StaticTable | undefined = undefined;

  /** Whether the kept table was looked for (once, by the first build). */
  private tableLooked = false;

  constructor(private readonly contentDir: string, private readonly baseUrl: string, private readonly now: () => Date, private readonly options: PreviewOptions = {}) {}

  /** Keeps the post table for the next run (unless it is the one kept already). */
  saveTable(): void {
    if (this.options.tables !== undefined && this.table !== undefined && this.tableZone !== undefined) this.options.tables.save(this.tableZone, this.table);
  }

  get size(): number {
    return this.files.size;
  }

  /** The paths of the site's files, in plan order. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /**
   * The bytes of a file of the site, made now if this is the first request since its key
   * changed; undefined when the site has no such file. A page that fails to render (a template
   * that breaks only on some data) throws its NewsError, and is tried again next time.
   */
  bytesOf(path: string): Buffer | undefined {
    let file = this.files.get(path);
    if (file === undefined) return undefined;
    if (file.bytes === undefined) {
      try {
        file.bytes = file.render!();
      } catch (error) {
        if (!(error instanceof ChangedSinceRead)) throw error;
        // A post or static file changed that the last rebuild did not look at (it reads one only
        // when a file showing it is made, and checks it is the one planned): look at everything, then retry.
        this.rebuild();
        file = this.files.get(path);
        if (file === undefined) return undefined;
        if (this.error !== undefined) throw new NewsError(this.error);
        file.bytes ??= file.render!();
      }
      file.render = undefined;
    }
    return file.bytes;
  }

  /**
   * static/'s files, those unchanged since the last look taken unread (store/static-sources.ts).
   * One changed since but not yet seen by a rebuild fails its check when served: bytesOf then
   * looks at everything again, as for a post.
   */
  private loadStatics(): StaticFile[] {
    const { files, table } = loadStaticSources(this.contentDir, this.staticTable);
    this.staticTable = table;
    return files;
  }

  /**
   * `changed`: the paths (relative to the content folder) the watcher reported since the last
   * build: a post file not among them keeps what was known of it (it is not even looked at),
   * and the theme and static files are read again only when one of theirs is among them.
   * Undefined: look at everything again.
   */
  rebuild(changed?: ReadonlySet<string>): RebuildResult {
    const result = this.build(changed);
    if (result.changed) {
      this.version++;
      this.options.onVersion?.();
    }
    return result;
  }

  private build(changed: ReadonlySet<string> | undefined): RebuildResult {
    if (changed !== undefined) {
      const quick = this.rebuildContentOnly(changed);
      if (quick !== undefined) return quick;
    }
    const touches = (folder: string) => changed === undefined || [...changed].some((name) => name === folder || name.startsWith(`${folder}/`) || name.startsWith(`${folder}\\`));
    if (touches('static')) this.staticFiles = undefined;
    const started = performance.now();
    let rendered = 0;
    let shownChanged = false;
    try {
      // A theme whose files are byte for byte those loaded is kept (a rebuild told nothing reads them only).
      // Read once: hashed to compare, and compiled from the same bytes when it changed.
      const themeRead = this.theme === undefined || touches('theme') ? themeFiles(this.contentDir) : undefined;
      const themeHash = themeRead === undefined ? this.theme!.hash : themeHashOf(themeRead);
      const themeChanged = this.theme === undefined || themeHash !== this.theme.hash;
      if (themeChanged) this.theme = undefined;
      const site = loadSite(this.contentDir);
      let unseen: ((name: string) => boolean) | undefined;
      if (changed !== undefined) {
        const named = new Set([...changed].map((name) => name.slice(name.lastIndexOf(path.sep) + 1)));
        // A post updated in place since is not the table's any more: it is looked at too.
        unseen = (name) => !named.has(name) && !this.updatedInPlace.has(name);
      }
      // The first build starts from the table kept by the last run, if any. Never a build told
      // what changed: it trusts the files not named without a look, which only this run's table may.
      if (!this.tableLooked && changed === undefined && this.options.tables !== undefined) {
        this.tableLooked = true;
        const kept = this.options.tables.load(site.timeZone);
        if (kept !== undefined) {
          this.table = kept;
          this.tableZone = site.timeZone;
        }
      }
      // The table's times are for one time zone: another one in site.json starts it again.
      if (this.tableZone !== site.timeZone) this.table = undefined;
      const sources = loadPostSources(this.contentDir, site.timeZone, this.table, unseen);
      this.table = sources.table;
      this.updatedInPlace.clear();
      this.tableZone = site.timeZone;
      if (sources.problems.length > 0) {
        const list = sources.problems.slice(0, 10).map((p) => `  ${p.message}`).join('\n');
        throw new NewsError(`${sources.problems.length} problème(s) dans les billets ; corrigez-les, la page se rechargera d’elle-même :\n${list}`);
      }
      const staticFiles = (this.staticFiles ??= this.loadStatics());
      const now = this.now();
      const chosen = sortPosts(filterPosts(sources.posts, { statuses: new Set(['published', 'draft']), future: true }, now, site.timeZone), 'date', site.timeZone);
      const publisher = typeof site.publisher === 'string' && site.publisher.trim() ? site.publisher.trim() : undefined;
      const inputs: PlanInputs = { baseUrl: this.baseUrl, themeHash, staticFiles, publisher, inputsKey: 'preview' };
      const key = planKeyOf(site, chosen.map((p) => p.source), inputs);
      // Told nothing (serve's check a moment after each rebuild): the plan stands when its key does.
      if (changed === undefined && this.indexed !== undefined && this.error === undefined && key === this.planned?.key) {
        return { changed: false, rendered: 0, ms: performance.now() - started, inPlace: false };
      }
      const banners = new Map<string, string>();
      for (const p of chosen) {
        if (p.post.status === 'draft') banners.set(`${p.post.slug}/index.html`, bannerOf('draft', p.post.date, site.timeZone));
        else if (!isDue(p.post, now, site.timeZone)) banners.set(`${p.post.slug}/index.html`, bannerOf('scheduled', p.post.date, site.timeZone));
      }
      const theme = (this.theme ??= loadTheme(this.contentDir, themeRead, this.options.templates));
      this.indexed = undefined;
      const indexed = planHtmlSiteIndexed(site, chosen.map((p) => p.source), { baseUrl: this.baseUrl, theme, staticFiles, publisher, inputsKey: 'preview' }, true);
      const plan = indexed.files;
      // A theme just (re)loaded renders one page of each template now: a template error shows at once.
      // (Not probeTemplates, which keeps the pages it makes: this plan's pages may change in place.)
      if (themeChanged) {
        const probed = new Set<string>();
        for (const file of plan) {
          if (file.template === undefined || probed.has(file.template)) continue;
          probed.add(file.template);
          file.render();
        }
      }
      const seen = new Set<string>();
      for (const file of plan) {
        seen.add(file.path);
        const banner = banners.get(file.path);
        const key = banner === undefined ? file.key : digest(file.key, banner);
        const render = renderWith(file.render, banner);
        const old = this.files.get(file.path);
        if (old !== undefined && old.key === key) {
          // Same bytes either way; a page not made yet takes this plan's render, so no older model is kept.
          if (old.bytes === undefined) old.render = render;
          continue;
        }
        rendered++;
        shownChanged = true;
        this.files.set(file.path, { key, render });
      }
      for (const file of [...this.files.keys()]) {
        if (!seen.has(file)) {
          this.files.delete(file);
          shownChanged = true;
        }
      }
      if (this.error !== undefined) shownChanged = true;
      this.error = undefined;
      this.indexed = indexed;
      this.planned = { key, site, inputs };
      this.byName = new Map(chosen.map((p) => [p.file.slice(p.file.lastIndexOf(path.sep) + 1), p]));
      this.banners = banners;
    } catch (error) {
      // A theme that failed to load is tried again next time.
      this.theme = undefined;
      const message = error instanceof NewsError ? error.message : `erreur inattendue : ${(error as Error)?.message ?? String(error)}`;
      if (message !== this.error) shownChanged = true;
      this.error = message;
    }
    return { changed: shownChanged, rendered, ms: performance.now() - started, inPlace: false };
  }

  /**
   * A rebuild for posts whose content alone changed (same slug, date, status, tags and aliases:
   * the same files, in the same order): the last plan is changed in place, and only the files
   * that show those posts get new keys. Undefined when the change is anything else (a post added,
   * removed, broken or moved in the order, site.json, the theme, a static file): a full rebuild.
   */
  private rebuildContentOnly(changed: ReadonlySet<string>): RebuildResult | undefined {
    const indexed = this.indexed;
    if (indexed === undefined || this.error !== undefined) return undefined;
    const started = performance.now();
    const dir = postsDir(this.contentDir);
    const posts: Array<{ name: string; before: SourcedPost; post: Post; text: string }> = [];
    for (const name of changed) {
      const slash = name.lastIndexOf(path.sep);
      const folder = name.slice(0, Math.max(slash, 0));
      const base = name.slice(slash + 1);
      if (name === 'posts') continue; // the folder itself: its files are named too
      if (folder !== 'posts') return undefined;
      if (base.startsWith('.') || !base.endsWith('.json')) continue; // an editor's temporary file
      const before = this.byName.get(base);
      if (before === undefined) return undefined;
      const loaded = loadPostFile(this.contentDir, `${dir}${path.sep}${base}`);
      if (loaded.post === undefined || loaded.text === undefined || loaded.problems.length > 0) return undefined;
      const a = before.post;
      const b = loaded.post;
      if (a.slug !== b.slug || a.date !== b.date || a.status !== b.status || !sameList(a.tags, b.tags) || !sameList(a.aliases, b.aliases)) return undefined;
      posts.push({ name: base, before, post: b, text: loaded.text });
    }
    let rendered = 0;
    for (const { name, before, post, text } of posts) {
      const source = { listing: post, key: digest(text), time: before.time, lastChange: lastChangeOf(post.updatedAt, before.time, this.tableZone!), full: () => post };
      this.byName.set(name, { ...before, post, source });
      this.updatedInPlace.add(name);
      for (const i of indexed.update(post.slug, source)) {
        const file = indexed.files[i]!;
        const banner = this.banners.get(file.path);
        const key = banner === undefined ? file.key : digest(file.key, banner);
        const old = this.files.get(file.path);
        if (old !== undefined && old.key === key) continue;
        rendered++;
        this.files.set(file.path, { key, render: renderWith(file.render, banner) });
      }
    }
    // The plan's key follows its posts' new keys (same slugs, same order).
    const { site, inputs } = this.planned!;
    this.planned = { site, inputs, key: planKeyOf(site, indexed.entries.map((e) => ({ listing: { slug: e.slug }, key: e.key })), inputs) };
    return { changed: rendered > 0, rendered, ms: performance.now() - started, inPlace: true };
  }
}
