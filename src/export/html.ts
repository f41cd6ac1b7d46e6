import type { Post } from '../core/post.js';
import { NewsError } from '../core/errors.js';
import { NNBSP } from '../core/typography.js';
import { atomDocument } from './atom.js';
import { formatRfc3339 } from './dates.js';
import { jsonFeedDocument } from './jsonfeed.js';
import { formatCountFr } from '../format/french.js';
import { buildModel, DEFAULT_FEED_LIMIT, FEED_FILES, feedView, tagPath, type Entry, type ExportModel, type ExportOptions, type SiteSettings, type TagGroup, type TagRef } from './model.js';
import { rssDocument } from './rss.js';
import { robotsTxt, sitemapXml, type SitemapUrl } from './sitemap.js';
import { escapeHtml as h } from './text.js';
import type { PageTemplate, StaticFile, Theme } from './theme.js';

/**
 * The static site, as a plan of files (Hexo's generators: `{path, content}`, no disk): each
 * file's path is known at once, its bytes are made when asked. Pages are rendered by the
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

/** A file of the site whose bytes are made on demand (a page is rendered only when asked). */
export interface PlannedFile {
  path: string;
  render(): string | Uint8Array;
}

export interface HtmlSiteOptions extends ExportOptions {
  theme: Theme;
  /** `<content>/static/`'s files (see listStaticFiles); none by default. */
  staticFiles?: readonly StaticFile[];
  /** site.json's `publisher` (JSON-LD), else the site's title. */
  publisher?: string;
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
  const flat = text.replace(/\s+/g, (s) => (s.includes(NNBSP) || s.includes('\u00A0') ? s : ' ')).trim();
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
  label: string;
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

function pageDir(listDir: string, n: number): string {
  return n === 1 ? listDir : `${listDir}page/${n}/`;
}

function pagination(root: string, listDir: string, n: number, count: number): PaginationData | null {
  if (count <= 1) return null;
  return {
    label: `Page ${n} sur ${count}`,
    newer: n > 1 ? href(root, pageDir(listDir, n - 1)) : null,
    older: n < count ? href(root, pageDir(listDir, n + 1)) : null,
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
  constructor(readonly model: ExportModel, readonly options: HtmlSiteOptions) {
    const { title, baseUrl } = model;
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

  private render(template: PageTemplate, page: PageData, data: object): string {
    return this.options.theme.render(template, { site: this.site, page, ...data });
  }

  postPage(entry: Entry, newer: Entry | undefined, older: Entry | undefined): string {
    const dir = `${entry.slug}/`;
    const root = rootFrom(dir);
    const { model } = this;
    const body = entry.body();
    const published = formatRfc3339(entry.instant, model.timeZone);
    const modified = formatRfc3339(entry.updated, model.timeZone);
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

  homePage(n: number, count: number): string {
    const { model } = this;
    const dir = pageDir('', n);
    const root = rootFrom(dir);
    const label = `Page ${n} sur ${count}`;
    const about = model.description || `Les billets de ${model.title}`;
    const page = this.page('home', dir, {
      kind: 'home',
      heading: n === 1 ? model.title : `${model.title}, ${label.toLowerCase()}`,
      description: n === 1 ? about : `${label} — ${about}`,
    }, n === 1 ? undefined : label);
    return this.render('index', page, {
      entries: this.slice(model.entries, n).map((e) => card(root, e)),
      pagination: pagination(root, '', n, count),
      allTags: n === 1 ? tagLinks(root, model.tags) : [],
    });
  }

  tagPage(tag: TagGroup, n: number, count: number): string {
    const { model } = this;
    const listDir = tagPath(tag);
    const dir = pageDir(listDir, n);
    const root = rootFrom(dir);
    const heading = `Étiquette «${NNBSP}${tag.name}${NNBSP}»`;
    const total = countOf(tag.entries.length, 'billet');
    const page = this.page('tag', dir, {
      heading,
      description: `${total} portant l’étiquette «${NNBSP}${tag.name}${NNBSP}» sur ${model.title}${count > 1 ? `, page ${n} sur ${count}` : ''}.`,
      feeds: [{ type: 'application/rss+xml', title: `${model.title} — ${tag.name} (RSS)`, url: `${model.baseUrl}${listDir}${FEED_FILES.rss}` }],
    }, `${heading}${n > 1 ? `, page ${n}` : ''}`);
    return this.render('tag', page, {
      tag: {
        name: tag.name,
        count: total,
        countLine: `${total}${count > 1 ? `, page ${n} sur ${count}` : ''}`,
        feed: `${root}${listDir}${FEED_FILES.rss}`,
      },
      entries: this.slice(tag.entries, n).map((e) => card(root, e)),
      pagination: pagination(root, listDir, n, count),
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
      noindex: true,
    }, heading);
    return this.render('404', page, {});
  }

  slice(entries: readonly Entry[], n: number): Entry[] {
    return entries.slice((n - 1) * POSTS_PER_PAGE, n * POSTS_PER_PAGE);
  }
}

function pageCount(entries: readonly unknown[]): number {
  return Math.max(1, Math.ceil(entries.length / POSTS_PER_PAGE));
}

function lastChange(entries: readonly Entry[]): Date | undefined {
  let newest: Date | undefined;
  for (const e of entries) if (!newest || e.updated.getTime() > newest.getTime()) newest = e.updated;
  return newest;
}

/**
 * A static file (or a theme asset) may not take a generated file's place, nor sit where a
 * generated folder is, nor have a generated file where its own folder would be.
 */
function checkCollisions(files: readonly PlannedFile[], extra: ReadonlyArray<{ path: string; from: string }>): void {
  if (extra.length === 0) return;
  const paths = new Set<string>();
  const dirs = new Set<string>();
  for (const f of files) {
    paths.add(f.path);
    for (let i = f.path.indexOf('/'); i >= 0; i = f.path.indexOf('/', i + 1)) dirs.add(f.path.slice(0, i));
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
 * Every file of the site, in the order they are best made (post pages first, so each body is
 * rendered once and let go). Posts already filtered and sorted newest first. Throws before
 * anything is rendered when a static file would take a generated file's place.
 */
export function planHtmlSite(site: SiteSettings, posts: readonly Post[], options: HtmlSiteOptions): PlannedFile[] {
  const model = buildModel(site, posts, { baseUrl: options.baseUrl });
  const builder = new SiteBuilder(model, options);
  const { entries } = model;
  const files: PlannedFile[] = [];
  const urls: SitemapUrl[] = [];
  const tz = model.timeZone;
  // Only the HTML the feeds need is kept once a post page is made.
  const inFeeds = new Set(entries.slice(0, DEFAULT_FEED_LIMIT));
  for (const tag of model.tags) for (const e of tag.entries.slice(0, DEFAULT_FEED_LIMIT)) inFeeds.add(e);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    files.push({
      path: `${entry.slug}/index.html`,
      render: () => {
        const html = builder.postPage(entry, entries[i - 1], entries[i + 1]);
        if (!inFeeds.has(entry)) entry.release();
        return html;
      },
    });
    urls.push({ loc: entry.url, lastmod: formatRfc3339(entry.updated, tz) });
  }
  const listPages = (list: readonly Entry[], listDir: string, render: (n: number, count: number) => string) => {
    const count = pageCount(list);
    for (let n = 1; n <= count; n++) {
      const dir = pageDir(listDir, n);
      files.push({ path: `${dir}index.html`, render: () => render(n, count) });
      const newest = lastChange(builder.slice(list, n));
      urls.push({ loc: model.baseUrl + dir, lastmod: newest ? formatRfc3339(newest, tz) : undefined });
    }
  };
  const home = files.length;
  listPages(entries, '', (n, count) => builder.homePage(n, count));
  const tagIndex: PlannedFile = { path: `${TAG_INDEX_DIR}index.html`, render: () => builder.tagIndexPage() };
  files.push(tagIndex);
  const newest = lastChange(entries);
  urls.push({ loc: model.baseUrl + TAG_INDEX_DIR, lastmod: newest ? formatRfc3339(newest, tz) : undefined });
  const firstTag = model.tags.length > 0 ? files.length : -1;
  for (const tag of model.tags) {
    const dir = tagPath(tag);
    listPages(tag.entries, dir, (n, count) => builder.tagPage(tag, n, count));
    files.push({ path: `${dir}${FEED_FILES.rss}`, render: () => rssDocument(feedView(model, 'rss', { tag: tag.name })) });
  }
  files.push({ path: FEED_FILES.rss, render: () => rssDocument(feedView(model, 'rss', {})) });
  files.push({ path: FEED_FILES.atom, render: () => atomDocument(feedView(model, 'atom', {})) });
  files.push({ path: FEED_FILES.json, render: () => jsonFeedDocument(feedView(model, 'json', {})) });
  const firstAlias = model.aliases.length > 0 ? files.length : -1;
  for (const alias of model.aliases) files.push({ path: `${alias.slug}/index.html`, render: () => builder.aliasPage(alias.slug, alias.entry) });
  const notFound: PlannedFile = { path: NOT_FOUND_PAGE, render: () => builder.notFoundPage() };
  files.push(notFound);
  files.push({ path: SITEMAP_FILE, render: () => sitemapXml(urls) });
  files.push({ path: ROBOTS_FILE, render: () => robotsTxt(model.baseUrl + SITEMAP_FILE) });
  const { assets } = options.theme;
  const statics = options.staticFiles ?? [];
  checkCollisions(files, [
    ...assets.map((a) => ({ path: a.name, from: a.file })),
    ...statics.map((s) => ({ path: s.path, from: `static/${s.path}` })),
  ]);
  for (const asset of assets) files.push({ path: asset.name, render: () => asset.bytes });
  for (const s of statics) files.push({ path: s.path, render: () => s.read() });
  // One page of each template is rendered now, before anything is written: a template that
  // fails (a missing include, an unknown variable) fails the export while the site is untouched.
  const probes = new Set([files[0]!, files[home]!, tagIndex, files[firstTag], files[firstAlias], notFound]);
  for (const probe of probes) {
    if (probe === undefined) continue;
    const content = probe.render();
    probe.render = () => content;
  }
  return files;
}

/** Every file of the site, rendered one after the other (a generator: 10,000 pages are never all in memory). */
export function* renderHtmlSite(site: SiteSettings, posts: readonly Post[], options: HtmlSiteOptions): Generator<OutputFile> {
  for (const file of planHtmlSite(site, posts, options)) yield { path: file.path, content: file.render() };
}
