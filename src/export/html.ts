import type { Post } from '../core/post.js';
import { NewsError } from '../core/errors.js';
import { NNBSP } from '../core/typography.js';
import { atomDocument } from './atom.js';
import { formatRfc3339 } from './dates.js';
import { jsonFeedDocument } from './jsonfeed.js';
import { formatCountFr } from '../format/french.js';
import { buildModel, DEFAULT_FEED_LIMIT, digest, FEED_FILES, feedView, tagPath, type Entry, type ExportModel, type ExportOptions, type PostSource, type SiteSettings, type TagGroup, type TagRef } from './model.js';
import { POST_PAGE, siteKeyOf } from './plan-key.js';
import { rssDocument } from './rss.js';
import { robotsTxt, sitemapXml, type SitemapUrl } from './sitemap.js';
import { escapeHtml as h } from './text.js';
import { defaultTheme, type PageTemplate, type Theme } from './theme.js';
import type { StaticFile } from './theme-files.js';

/**
 * The static site, as a plan of files (Hexo's generators: `{path, content}`, no disk): each
 * file's path, a key of everything it is made from, and a lazy render(), so an incremental
 * export renders only the files whose key changed. Pages are rendered by the
 * theme's templates from plain data objects built here (dates, counts and French typography
 * already applied: templates never compute; docs/theme.md lists every variable). Navigation
 * links are relative, so the folder works wherever it is served; canonical, Open Graph and
 * feed links are absolute.
 */

export interface OutputFile {
  /** Relative, with `/` separators. */
  path: string;
  content: string | Uint8Array;
}

/**
 * One file of the site, not rendered yet. `key` changes whenever anything the file is made
 * from does (the posts it shows and their order, the site settings, the theme and static
 * files, this version of news): an incremental export renders and writes only the files whose
 * key changed, so a key must name EVERY input of render() (when in doubt, add it: a key too
 * wide costs a render, a key too narrow publishes a stale page).
 */
export interface PlannedFile {
  /** Relative, with `/` separators. */
  path: string;
  key: string;
  /** The theme template a page is rendered from (probeTemplates renders one of each early). */
  template?: PageTemplate;
  render(): string | Uint8Array;
}

export interface HtmlPlanOptions extends ExportOptions {
  /** The theme in use (loadTheme); the default theme alone when not given. */
  theme?: Theme;
  /** `<content>/static/`'s files (see store/static-sources.ts); none by default. */
  staticFiles?: readonly StaticFile[];
  /** site.json's `publisher` (JSON-LD), else the site's title. */
  publisher?: string;
  /** Anything else the files are made from that the plan cannot see (preview banners…): part of every key. */
  inputsKey?: string;
  /** The last plan's post pages, whose keys are taken back unhashed when nothing they are made from changed. */
  lastPostPages?: LastPostPages;
}

/**
 * What a plan takes back from the last one (store/site-output.ts makes it from the export
 * record): a post page's key is a digest of the site's key, the post's slug, content and tag
 * folders, and its neighbours' slugs and titles; 10,000 digests were a third of the plan of
 * an export after one new post. When the site's key and every tag's folder are the last
 * plan's (`postKeys` of both plans equal), a post unchanged since (same content key) between
 * the same unchanged neighbours has the same key.
 */
export interface LastPostPages {
  /** The last plan's postKeys. */
  postKeys: string;
  /** The key the last plan gave `entry`'s page, if it had it between the same neighbours and all three are unchanged since. */
  keyOf(entry: Entry, newer: Entry | undefined, older: Entry | undefined): string | undefined;
}


export const POSTS_PER_PAGE = 20;
export const NOT_FOUND_PAGE = '404.html';
export const SITEMAP_FILE = 'sitemap.xml';
export const ROBOTS_FILE = 'robots.txt';
export const TAG_INDEX_DIR = 'tag/';

/** `''` for the root, `'../'` one folder down…; `dir` is a folder path ending with `/` or `''`. */
function rootFrom(dir: string): string {
  let depth = 0;
  for (let i = 0; i < dir.length; i++) if (dir.charCodeAt(i) === 47) depth++;
  return '../'.repeat(depth);
}

/** A link from a page in folder `root` (as rootFrom gives) to a site folder (`''` is home). */
function href(root: string, dir: string): string {
  return root + dir || './';
}

/**
 * Browser tabs and search results show about 70 characters. `<title>` is `Post — Site`; when
 * that is longer (counted as written in the file, entities included: html-validate's
 * `long-title`), the post's part is cut at a word, then the whole if the site name alone is long.
 */
export const TITLE_MAX = 70;

function cutEscaped(text: string, max: number): string {
  if (h(text).length <= max) return text;
  let kept = '';
  let length = 1; // the ellipsis
  for (const char of text) {
    const escaped = h(char);
    if (length + escaped.length > max) break;
    kept += char;
    length += escaped.length;
  }
  const space = kept.lastIndexOf(' ');
  if (space > max / 3) kept = kept.slice(0, space);
  return `${kept.replace(/[\s,;:.!?—–-]+$/, '')}…`;
}

export function documentTitle(part: string | undefined, siteTitle: string): string {
  if (part === undefined) return cutEscaped(siteTitle, TITLE_MAX);
  const suffix = ` — ${siteTitle}`;
  const room = TITLE_MAX - h(suffix).length;
  if (room < 20) return cutEscaped(part, TITLE_MAX);
  return cutEscaped(part, room) + suffix;
}

/** `<meta name="description">`: at most 160 characters, cut at a word. */
export const DESCRIPTION_MAX = 160;

export function describe(text: string): string {
  // Each run of white space becomes one space, unless it holds a no-break space (typography's): a single
  // space is left as it is, so only longer runs and other white space are looked at.
  const flat = text.replace(/\s{2,}|[^\S ]/g, (s) => (s.includes(NNBSP) || s.includes('\u00A0') ? s : ' ')).trim();
  if (flat.length <= DESCRIPTION_MAX) return flat;
  const cut = flat.slice(0, DESCRIPTION_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > DESCRIPTION_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?…—–-]+$/, '')}…`;
}

/** Every page's `site` variable. */
interface SiteData {
  title: string;
  description: string;
  url: string;
  lang: 'fr';
  feeds: Array<{ type: string; title: string; url: string }>;
}

/** Every page's `page` variable. */
interface PageData {
  kind: PageTemplate | 'home';
  /** `<title>` text. */
  title: string;
  /** The page's own heading (Open Graph and Twitter title). */
  heading: string;
  description: string;
  /** Canonical absolute URL. */
  url: string;
  /** Prefix to the site's root (`../../`), or the base URL's path on the 404 page. */
  root: string;
  /** Link to the home page. */
  home: string;
  /** Link to the tag index (`tag/`), null when a post or an alias is named `tag` and takes that address. */
  tagIndex: string | null;
  ogType: 'website' | 'article';
  publishedTime: string | null;
  modifiedTime: string | null;
  feeds: Array<{ type: string; title: string; url: string }>;
  jsonLd: string | null;
  noindex: boolean;
}

interface TagLink {
  name: string;
  href: string;
}

interface CardData {
  href: string;
  title: string;
  date: string;
  datetime: string;
  views: string;
  lead: string;
  tags: TagLink[];
}

interface PaginationData {
  /** `Page 3` on a numbered page, null on the list's first page. */
  label: string | null;
  newer: string | null;
  older: string | null;
}

function tagLinks(root: string, tags: readonly TagRef[]): TagLink[] {
  return tags.map((t) => ({ name: t.name, href: root + tagPath(t) }));
}

function card(root: string, entry: Entry): CardData {
  return {
    href: `${root}${entry.slug}/`,
    title: entry.title,
    date: entry.dateFr,
    datetime: entry.datetime,
    views: entry.viewsFr,
    lead: entry.lead(),
    tags: tagLinks(root, entry.tags),
  };
}

/**
 * A list's pages are counted from its oldest post, so a new post changes the list's first page
 * and leaves the numbered ones as they were (an incremental export rewrites one or two list
 * pages, not all of them). Page 0 is the list's own folder, with the newest posts: 20 to 39 of
 * them once there are 40 (fewer than 40: all on it). `page/1/` holds the 20 oldest, `page/2/`
 * the next 20, and so on; each post is on exactly one page.
 */
export interface ListSlot {
  /** 0 for the list's folder, else the page number (1 = the oldest). */
  n: number;
  entries: Entry[];
  /** Page numbers of the neighbours (0 is the first page). */
  newer?: number;
  older?: number;
}

export function listSlots(entries: readonly Entry[]): ListSlot[] {
  const total = entries.length;
  const full = Math.floor(total / POSTS_PER_PAGE);
  const firstCount = full <= 1 ? total : total - POSTS_PER_PAGE * (full - 1);
  const slots: ListSlot[] = [{ n: 0, entries: entries.slice(0, firstCount), older: full >= 2 ? full - 1 : undefined }];
  for (let k = full - 1; k >= 1; k--) {
    slots.push({
      n: k,
      entries: entries.slice(total - POSTS_PER_PAGE * k, total - POSTS_PER_PAGE * (k - 1)),
      newer: k + 1 === full ? 0 : k + 1,
      older: k > 1 ? k - 1 : undefined,
    });
  }
  return slots;
}

function pageDir(listDir: string, n: number): string {
  return n === 0 ? listDir : `${listDir}page/${n}/`;
}

function pagination(root: string, listDir: string, slot: ListSlot): PaginationData | null {
  if (slot.newer === undefined && slot.older === undefined) return null;
  return {
    label: slot.n > 0 ? `Page ${slot.n}` : null,
    newer: slot.newer !== undefined ? href(root, pageDir(listDir, slot.newer)) : null,
    older: slot.older !== undefined ? href(root, pageDir(listDir, slot.older)) : null,
  };
}

function countOf(n: number, word: string): string {
  return `${formatCountFr(n)} ${word}${n > 1 ? 's' : ''}`;
}

/** JSON inside `<script>`: `<` written as `\u003c`, so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Builds every page's data and renders it with the theme. */
class SiteBuilder {
  readonly site: SiteData;
  readonly hasTagIndex: boolean;
  constructor(readonly model: ExportModel, readonly options: HtmlPlanOptions & { theme: Theme }) {
    const { title, baseUrl } = model;
    const index = TAG_INDEX_DIR.slice(0, -1);
    this.hasTagIndex = !model.entries.some((e) => e.slug === index) && !model.aliases.some((a) => a.slug === index);
    this.site = {
      title,
      description: model.description,
      url: baseUrl,
      lang: 'fr',
      feeds: [
        { type: 'application/rss+xml', title: `${title} (RSS)`, url: `${baseUrl}${FEED_FILES.rss}` },
        { type: 'application/atom+xml', title: `${title} (Atom)`, url: `${baseUrl}${FEED_FILES.atom}` },
        { type: 'application/feed+json', title: `${title} (JSON Feed)`, url: `${baseUrl}${FEED_FILES.json}` },
      ],
    };
  }

  private page(kind: PageData['kind'], dir: string, parts: Partial<PageData> & Pick<PageData, 'heading' | 'description'>, titlePart?: string): PageData {
    const root = rootFrom(dir);
    return {
      kind,
      title: documentTitle(titlePart, this.model.title),
      url: this.model.baseUrl + dir,
      root,
      home: href(root, ''),
      tagIndex: this.hasTagIndex ? root + TAG_INDEX_DIR : null,
      ogType: 'website',
      publishedTime: null,
      modifiedTime: null,
      feeds: [],
      jsonLd: null,
      noindex: false,
      ...parts,
      description: describe(parts.description),
    };
  }

  private readonly dates = new Map<number, string>();

  /** An entry's last change as its source already wrote it (the post table keeps it): not formatted again. */
  primeDate(entry: Entry): void {
    const iso = entry.knownUpdatedIso;
    if (iso !== undefined) this.dates.set(entry.updated.getTime(), iso);
  }

  /** RFC 3339 in the site's zone, asked of Intl once per instant (posts of one day share their midnight). */
  rfc3339(date: Date): string {
    const time = date.getTime();
    let text = this.dates.get(time);
    if (text === undefined) this.dates.set(time, (text = formatRfc3339(date, this.model.timeZone)));
    return text;
  }

  private render(template: PageTemplate, page: PageData, data: object): string {
    return this.options.theme.render(template, { site: this.site, page, ...data });
  }

  postPage(entry: Entry, newer: Entry | undefined, older: Entry | undefined): string {
    const dir = `${entry.slug}/`;
    const root = rootFrom(dir);
    const { model } = this;
    const body = entry.body();
    // A post dated to the second already has its RFC 3339 text (its <time datetime>): Intl is not asked again.
    if (entry.date.kind === 'instant' && !this.dates.has(entry.instant.getTime())) this.dates.set(entry.instant.getTime(), entry.datetime);
    const published = this.rfc3339(entry.instant);
    const modified = this.rfc3339(entry.updated);
    const description = describe(entry.lead() || model.description || entry.title);
    const jsonLd = scriptJson({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: entry.title.length > 110 ? `${entry.title.slice(0, 109)}…` : entry.title,
      description,
      url: entry.url,
      mainEntityOfPage: entry.url,
      datePublished: published,
      dateModified: modified,
      inLanguage: model.language,
      ...(entry.author ? { author: { '@type': entry.post.author ? 'Person' : 'Organization', name: entry.author } } : {}),
      publisher: { '@type': 'Organization', name: this.options.publisher ?? model.title },
      ...(entry.tags.length > 0 ? { keywords: entry.tags.map((t) => t.name).join(', ') } : {}),
    });
    const page = this.page('post', dir, {
      heading: entry.title,
      description,
      ogType: 'article',
      publishedTime: published,
      modifiedTime: modified,
      jsonLd,
    }, entry.title);
    const neighbour = (e: Entry | undefined) => (e ? { href: `${root}${e.slug}/`, title: e.title } : null);
    return this.render('post', page, {
      entry: {
        title: entry.title,
        date: entry.dateFr,
        datetime: entry.datetime,
        views: entry.viewsFr,
        author: entry.author ?? null,
        summary: entry.summary ?? null,
        html: body.html,
        tags: tagLinks(root, entry.tags),
      },
      // Chronological: the previous post is the older one.
      previous: neighbour(older),
      next: neighbour(newer),
    });
  }

  homePage(slot: ListSlot): string {
    const { model } = this;
    const dir = pageDir('', slot.n);
    const root = rootFrom(dir);
    const label = `Page ${slot.n}`;
    const about = model.description || `Les billets de ${model.title}`;
    const page = this.page('home', dir, {
      kind: 'home',
      heading: slot.n === 0 ? model.title : `${model.title}, page ${slot.n}`,
      description: slot.n === 0 ? about : `${label} — ${about}`,
    }, slot.n === 0 ? undefined : label);
    return this.render('index', page, {
      entries: slot.entries.map((e) => card(root, e)),
      pagination: pagination(root, '', slot),
      allTags: slot.n === 0 ? tagLinks(root, model.tags) : [],
    });
  }

  tagPage(tag: TagGroup, slot: ListSlot): string {
    const { model } = this;
    const listDir = tagPath(tag);
    const dir = pageDir(listDir, slot.n);
    const root = rootFrom(dir);
    const heading = `Étiquette «${NNBSP}${tag.name}${NNBSP}»`;
    const total = countOf(tag.entries.length, 'billet');
    const page = this.page('tag', dir, {
      heading,
      description: `${total} portant l’étiquette «${NNBSP}${tag.name}${NNBSP}» sur ${model.title}${slot.n > 0 ? `, page ${slot.n}` : ''}.`,
      feeds: [{ type: 'application/rss+xml', title: `${model.title} — ${tag.name} (RSS)`, url: `${model.baseUrl}${listDir}${FEED_FILES.rss}` }],
    }, `${heading}${slot.n > 0 ? `, page ${slot.n}` : ''}`);
    return this.render('tag', page, {
      tag: {
        name: tag.name,
        count: total,
        countLine: slot.n === 0 ? total : `Page ${slot.n}`,
        feed: `${root}${listDir}${FEED_FILES.rss}`,
      },
      entries: slot.entries.map((e) => card(root, e)),
      pagination: pagination(root, listDir, slot),
    });
  }

  tagIndexPage(): string {
    const { model } = this;
    const root = rootFrom(TAG_INDEX_DIR);
    const heading = 'Toutes les étiquettes';
    const page = this.page('tags', TAG_INDEX_DIR, {
      heading,
      description: `Les ${countOf(model.tags.length, 'étiquette')} de ${model.title}, chacune avec ses billets.`,
    }, heading);
    return this.render('tags', page, {
      tags: model.tags.map((t) => ({ name: t.name, href: root + tagPath(t), count: countOf(t.entries.length, 'billet') })),
    });
  }

  aliasPage(alias: string, entry: Entry): string {
    const dir = `${alias}/`;
    const page = this.page('alias', dir, {
      heading: entry.title,
      description: entry.lead() || entry.title,
      url: entry.url,
      noindex: true,
    }, entry.title);
    return this.render('alias', page, { target: { href: `../${entry.slug}/`, title: entry.title, url: entry.url } });
  }

  /** Served at any address: its links start from the base URL's path, not from its own folder. */
  notFoundPage(): string {
    const { model } = this;
    const root = new URL(model.baseUrl).pathname;
    const heading = 'Page introuvable';
    const page = this.page('404', '', {
      heading,
      description: `Cette adresse ne correspond à aucune page de ${model.title}.`,
      url: model.baseUrl + NOT_FOUND_PAGE,
      root,
      home: root,
      tagIndex: this.hasTagIndex ? root + TAG_INDEX_DIR : null,
      noindex: true,
    }, heading);
    return this.render('404', page, {});
  }

}

function lastChange(entries: readonly Entry[]): Date | undefined {
  let newest: Date | undefined;
  for (let i = 0; i < entries.length; i++) {
    const updated = entries[i]!.updated;
    if (!newest || updated.getTime() > newest.getTime()) newest = updated;
  }
  return newest;
}

/**
 * A static file (or a theme asset) may not take a generated file's place, nor sit where a
 * generated folder is, nor have a generated file where its own folder would be.
 */
function checkCollisions(files: readonly PlannedFile[], extra: ReadonlyArray<{ path: string; from: string }>): void {
  if (extra.length === 0) return;
  // Only the extra paths and their folders can clash: which of them are planned files or folders
  // is found in one pass, without a set of the 10,000 planned paths.
  const candidates = new Set<string>();
  /** The lengths of the candidates' first folders or names: a planned path's first folder is looked up only when its length is one. */
  const firstLengths = new Set<number>();
  for (const e of extra) {
    candidates.add(e.path);
    const slash = e.path.indexOf('/');
    firstLengths.add(slash < 0 ? e.path.length : slash);
    for (let i = slash; i >= 0; i = e.path.indexOf('/', i + 1)) candidates.add(e.path.slice(0, i));
  }
  const lengths = new Set([...candidates].map((c) => c.length));
  const paths = new Set<string>();
  const dirs = new Set<string>();
  for (let k = 0; k < files.length; k++) {
    const f = files[k]!;
    if (lengths.has(f.path.length) && candidates.has(f.path)) paths.add(f.path);
    const first = f.path.indexOf('/');
    // Every folder of a candidate is one: a path whose first folder is none has no candidate folder.
    if (first < 0 || !firstLengths.has(first) || !candidates.has(f.path.slice(0, first))) continue;
    for (let i = first; i >= 0; i = f.path.indexOf('/', i + 1)) {
      const dir = f.path.slice(0, i);
      if (candidates.has(dir)) dirs.add(dir);
    }
  }
  for (const e of extra) {
    let clash = paths.has(e.path) || dirs.has(e.path) || e.path === '.news-export' ? e.path : undefined;
    for (let i = e.path.indexOf('/'); clash === undefined && i >= 0; i = e.path.indexOf('/', i + 1)) {
      if (paths.has(e.path.slice(0, i))) clash = e.path.slice(0, i);
    }
    if (clash !== undefined) {
      throw new NewsError(`${e.from} remplacerait ${clash}, que l’export produit : renommez ou déplacez ce fichier (export annulé, le site n’a pas changé)`, 2, { code: 'CONFLICT' });
    }
    paths.add(e.path);
  }
}

/**
 * What a list of entries shows, for keys: each entry's slug, content (its key) and the folders
 * of the tag links it shows (their names come from the post, in its key), worked out once per
 * entry: an entry is in a dozen lists, and the sitemap's list holds every post. Plain ASCII
 * (slugs and base64url keys), so a list of 10,000 is hashed without being converted.
 */
function entriesKey(entries: readonly Entry[]): string {
  let key = '';
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    key += (e.listId ??= entryId(e));
  }
  return key;
}

function entryId(e: Entry): string {
  let id = `${e.slug}\u0001${e.key}`;
  for (const t of e.tags) id += `\u0003${t.slug}`;
  return `${id}\u0002`;
}

function neighbourKey(entry: Entry | undefined): string {
  return entry === undefined ? '' : `${entry.slug}\u0001${entry.titleKey}`;
}

/**
 * Every file of the site as a plan: its path, its key and how to render it, in the order they
 * are best made (post pages first, so each body is rendered once and let go). Posts already
 * filtered and sorted newest first; given whole (Post) or as PostSource (read when rendered).
 * Throws, before anything is rendered, when a static file would take a generated file's place.
 */
export function planHtmlSite(site: SiteSettings, posts: readonly (Post | PostSource)[], options: HtmlPlanOptions): PlannedFile[] {
  return planHtmlSiteIndexed(site, posts, options).files;
}

/** Which planned files a post's entry is part of (indices into the plan's files). */
interface EntryDeps {
  entry: Entry;
  /** Files showing its content (its page, lists, feeds, alias pages). */
  content: number[];
  /** Files showing only its title (its neighbours' pages). */
  title: number[];
}

/**
 * A plan kept to be changed in place (news serve): `update` gives a post new content with the
 * same slug, date, status, tags and aliases (so the same files, in the same order), and returns
 * the indices of the files whose key changed. The rest of the plan is left as it was: what the
 * post is shown in was recorded when the plan was made.
 */
export interface IndexedPlan {
  files: PlannedFile[];
  /** The posts, newest first: the first `entries.length` files are their pages, in this order. */
  entries: readonly Entry[];
  /** What every post page's key depends on besides its posts (the site's key, every tag's folder): see LastPostPages. */
  postKeys: string;
  /** Only for a plan made `updatable` (what each post is shown in is recorded for it). */
  update(slug: string, source: PostSource): number[];
}

/**
 * The plan, with its entries; `updatable` records which files show each post, for `update`
 * (news serve): an export, which makes its plan once, does without (10,000 posts, 20,000 arrays).
 */
export function planHtmlSiteIndexed(site: SiteSettings, posts: readonly (Post | PostSource)[], options: HtmlPlanOptions, updatable = false): IndexedPlan {
  const theme = options.theme ?? defaultTheme();
  const opts = { ...options, theme };
  const model = buildModel(site, posts, { baseUrl: options.baseUrl });
  const builder = new SiteBuilder(model, opts);
  for (let i = 0; i < model.entries.length; i++) builder.primeDate(model.entries[i]!);
  const statics = options.staticFiles ?? [];
  const siteKey = siteKeyOf(model, { themeHash: theme.hash, publisher: options.publisher, inputsKey: options.inputsKey });
  const files: PlannedFile[] = [];
  const keyParts: Array<() => readonly string[] | string> = [];
  const deps = new Map<string, EntryDeps>();
  /** The file that lists every post (the sitemap): its key changes with any post's content. */
  let sitemap = -1;
  const depsOf = (entry: Entry) => {
    let d = deps.get(entry.slug);
    if (d === undefined) deps.set(entry.slug, (d = { entry, content: [], title: [] }));
    return d;
  };
  /** `parts` gives what the key is a digest of, or the key itself (taken back from the last plan). */
  const plan = (path: string, parts: () => readonly string[] | string, render: () => string | Uint8Array, template?: PageTemplate, shows?: { content?: readonly Entry[]; title?: ReadonlyArray<Entry | undefined> }) => {
    const i = files.length;
    const given = parts();
    const key = typeof given === 'string' ? given : digest(siteKey, path, ...given);
    files.push(template ? { path, key, render, template } : { path, key, render });
    if (!updatable) return;
    keyParts.push(parts);
    for (const e of shows?.content ?? []) depsOf(e).content.push(i);
    for (const e of shows?.title ?? []) if (e !== undefined) depsOf(e).title.push(i);
  };
  const { entries } = model;
  // Only the HTML the feeds need is kept once a post page is made.
  const inFeeds = new Set(entries.slice(0, DEFAULT_FEED_LIMIT));
  for (const tag of model.tags) for (const e of tag.entries.slice(0, DEFAULT_FEED_LIMIT)) inFeeds.add(e);
  const postKeys = digest(siteKey, ...model.tags.map((t) => `${t.name}\u0003${t.slug}`));
  // (Not in a plan kept to be updated: update() makes keys from their parts.)
  const last = !updatable && options.lastPostPages?.postKeys === postKeys ? options.lastPostPages : undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const newer = entries[i - 1];
    const older = entries[i + 1];
    const known = last?.keyOf(entry, newer, older);
    plan(`${entry.slug}${POST_PAGE}`, () => known ?? [entriesKey([entry]), neighbourKey(newer), neighbourKey(older)], () => {
      const html = builder.postPage(entry, newer, older);
      if (!inFeeds.has(entry)) entry.release();
      return html;
    }, 'post', updatable ? { content: [entry], title: [newer, older] } : undefined);
  }
  const allTags = model.tags.map((t) => `${t.name}\u0003${t.slug}\u0003${t.entries.length}`).join('\u0002');
  const homeSlots = listSlots(entries);
  for (let s = 0; s < homeSlots.length; s++) {
    const slot = homeSlots[s]!;
    plan(`${pageDir('', slot.n)}index.html`, () => ['list', String(slot.n), String(slot.newer), String(slot.older), slot.n === 0 ? allTags : '', entriesKey(slot.entries)],
      () => builder.homePage(slot), 'index', { content: slot.entries });
  }
  if (builder.hasTagIndex) plan(`${TAG_INDEX_DIR}index.html`, () => ['tags', allTags], () => builder.tagIndexPage(), 'tags');
  const tagSlots = model.tags.map((tag) => ({ tag, slots: listSlots(tag.entries) }));
  for (const { tag, slots } of tagSlots) {
    const dir = tagPath(tag);
    const tagKey = `${tag.name}\u0003${tag.slug}`;
    const total = tag.entries.length;
    for (const slot of slots) {
      plan(`${pageDir(dir, slot.n)}index.html`, () => ['list', String(slot.n), String(slot.newer), String(slot.older), slot.n === 0 ? `${tagKey}\u0003${total}` : tagKey, entriesKey(slot.entries)],
        () => builder.tagPage(tag, slot), 'tag', { content: slot.entries });
    }
    const inFeed = tag.entries.slice(0, DEFAULT_FEED_LIMIT);
    plan(`${dir}${FEED_FILES.rss}`, () => ['rss', tagKey, entriesKey(inFeed)],
      () => rssDocument(feedView(model, 'rss', { tag: tag.name })), undefined, { content: inFeed });
  }
  const newest = entries.slice(0, DEFAULT_FEED_LIMIT);
  plan(FEED_FILES.rss, () => ['rss', entriesKey(newest)], () => rssDocument(feedView(model, 'rss', {})), undefined, { content: newest });
  plan(FEED_FILES.atom, () => ['atom', entriesKey(newest)], () => atomDocument(feedView(model, 'atom', {})), undefined, { content: newest });
  plan(FEED_FILES.json, () => ['json', entriesKey(newest)], () => jsonFeedDocument(feedView(model, 'json', {})), undefined, { content: newest });
  for (const alias of model.aliases) {
    plan(`${alias.slug}/index.html`, () => ['alias', neighbourKey(alias.entry), alias.entry.url, alias.entry.key], () => builder.aliasPage(alias.slug, alias.entry), 'alias', { content: [alias.entry] });
  }
  plan(NOT_FOUND_PAGE, () => ['404'], () => builder.notFoundPage(), '404');
  // Every post, index page and tag page; lastmod is the newest change shown (read only when rendered).
  sitemap = files.length;
  plan(SITEMAP_FILE, () => ['sitemap', entriesKey(entries), allTags], () => {
    const urls: SitemapUrl[] = [];
    const at = (date: Date | undefined) => (date ? builder.rfc3339(date) : undefined);
    // After the base URL, every address is made of slugs, page numbers and tag folders
    // ([a-z0-9-/], SLUG_PATTERN and slugify): only the base URL is escaped (once, not 10,000 times).
    const base = h(model.baseUrl);
    for (let i = 0; i < entries.length; i++) urls.push({ loc: `${base}${entries[i]!.slug}/`, lastmod: at(entries[i]!.updated) });
    for (const slot of homeSlots) urls.push({ loc: base + pageDir('', slot.n), lastmod: at(lastChange(slot.entries)) });
    if (builder.hasTagIndex) urls.push({ loc: base + TAG_INDEX_DIR, lastmod: at(lastChange(entries)) });
    for (const { tag, slots } of tagSlots) {
      for (const slot of slots) urls.push({ loc: base + pageDir(tagPath(tag), slot.n), lastmod: at(lastChange(slot.entries)) });
    }
    return sitemapXml(urls, true);
  });
  plan(ROBOTS_FILE, () => ['robots'], () => robotsTxt(model.baseUrl + SITEMAP_FILE));
  const { assets } = theme;
  checkCollisions(files, [
    ...assets.map((a) => ({ path: a.name, from: a.file })),
    ...statics.map((f) => ({ path: f.path, from: `static/${f.path}` })),
  ]);
  for (const asset of assets) {
    const assetKey = digest(asset.bytes.toString('base64'));
    plan(asset.name, () => ['asset', assetKey], () => asset.bytes);
  }
  for (const f of statics) plan(f.path, () => ['static', f.key], () => f.read());
  return {
    files,
    entries,
    postKeys,
    update(slug, source) {
      if (!updatable) throw new TypeError('plan fait sans suivi des billets : update impossible');
      const d = deps.get(slug);
      if (d === undefined) throw new RangeError(`billet absent du plan : ${slug}`);
      const titleChanged = d.entry.titleKey !== source.listing.title;
      d.entry.update(source);
      const touched = new Set([...d.content, ...(titleChanged ? d.title : []), sitemap]);
      const changed: number[] = [];
      for (const i of [...touched].sort((a, b) => a - b)) {
        const file = files[i]!;
        const key = digest(siteKey, file.path, ...(keyParts[i]!() as readonly string[]));
        if (key === file.key) continue;
        file.key = key;
        changed.push(i);
      }
      return changed;
    },
  };
}

/**
 * Renders one page of each template now (and keeps it): a template that fails only when
 * rendering (a missing include, an unknown variable) fails the export before anything is
 * written, so the site at --out stays as it was.
 */
export function probeTemplates(files: PlannedFile[]): void {
  const seen = new Set<PageTemplate>();
  for (const file of files) {
    if (file.template === undefined || seen.has(file.template)) continue;
    seen.add(file.template);
    const content = file.render();
    file.render = () => content;
  }
}

/** Every file of the site, rendered. Posts already filtered and sorted newest first. */
export function* renderHtmlSite(site: SiteSettings, posts: readonly (Post | PostSource)[], options: HtmlPlanOptions): Generator<OutputFile> {
  const files = planHtmlSite(site, posts, options);
  probeTemplates(files);
  for (const file of files) yield { path: file.path, content: file.render() };
}
