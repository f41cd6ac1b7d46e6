import type { Post } from '../core/post.js';
import { atomDocument } from './atom.js';
import { jsonFeedDocument } from './jsonfeed.js';
import { formatCountFr } from '../format/french.js';
import { buildModel, DEFAULT_FEED_LIMIT, digest, FEED_FILES, feedView, tagPath, type Entry, type ExportModel, type ExportOptions, type PostSource, type SiteSettings, type TagGroup, type TagRef } from './model.js';
import { packageVersion } from '../version.js';
import { rssDocument } from './rss.js';
import { STYLESHEET } from './style.js';
import { escapeHtml as h } from './text.js';

/**
 * The static site, as a plan of files (Hexo's generators: `{path, content}`, no disk): each
 * file's path, a key of everything it is made from, and a lazy render(), so an incremental
 * export renders only the files whose key changed. Navigation links are relative, so the
 * folder works wherever it is served; canonical and feed links are absolute.
 */

export interface OutputFile {
  /** Relative, with `/` separators. */
  path: string;
  content: string;
}

/**
 * One file of the site, not rendered yet. `key` changes whenever anything the file is made
 * from does (the posts it shows and their order, the site settings, the theme, this version
 * of news): an incremental export renders and writes only the files whose key changed, so
 * a key must name EVERY input of render() (when in doubt, add it: a key too wide costs a
 * render, a key too narrow publishes a stale page).
 */
export interface PlannedFile {
  /** Relative, with `/` separators. */
  path: string;
  key: string;
  render(): string;
}

/** What the plan takes besides the posts. */
export interface HtmlPlanOptions extends ExportOptions {
  /**
   * Everything else the files are made from that the plan cannot see (theme files and their
   * overrides, preview banners…): part of every key.
   */
  inputsKey?: string;
}

/** Bumped when the plan's keys change meaning. */
const PLAN_FORMAT = 1;

export const POSTS_PER_PAGE = 20;

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
 * Browser tabs and search results show about 70 characters: longer titles are cut at a word.
 * Returns the escaped text, at most 70 UTF-16 units as written in the file (html-validate's
 * `long-title` counts the source, entities included).
 */
export const TITLE_MAX = 70;

function titleHtml(text: string): string {
  const full = h(text);
  if (full.length <= TITLE_MAX) return full;
  let kept = '';
  let length = 1; // the ellipsis
  for (const char of text) {
    const escaped = h(char);
    if (length + escaped.length > TITLE_MAX) break;
    kept += char;
    length += escaped.length;
  }
  const space = kept.lastIndexOf(' ');
  if (space > TITLE_MAX / 3) kept = kept.slice(0, space);
  return `${h(kept.replace(/[\s,;:.!?—–-]+$/, ''))}…`;
}

interface Alternate {
  type: string;
  title: string;
  url: string;
}

const feedLinks = new WeakMap<ExportModel, string>();

function alternateLinks(feeds: readonly Alternate[]): string {
  return feeds.map((f) => `<link rel="alternate" type="${f.type}" title="${h(f.title)}" href="${h(f.url)}">\n`).join('');
}

/** The site's three feeds, linked from every page's head. */
function siteFeedLinks(model: ExportModel): string {
  let links = feedLinks.get(model);
  if (links === undefined) feedLinks.set(model, (links = alternateLinks(siteFeeds(model))));
  return links;
}

function siteFeeds(model: ExportModel): Alternate[] {
  return [
    { type: 'application/rss+xml', title: `${model.title} (RSS)`, url: `${model.baseUrl}${FEED_FILES.rss}` },
    { type: 'application/atom+xml', title: `${model.title} (Atom)`, url: `${model.baseUrl}${FEED_FILES.atom}` },
    { type: 'application/feed+json', title: `${model.title} (JSON Feed)`, url: `${model.baseUrl}${FEED_FILES.json}` },
  ];
}

interface PageParts {
  model: ExportModel;
  dir: string;
  /** Page title without the site name; undefined on the home page. */
  title?: string;
  description?: string;
  feeds?: Alternate[];
  /** A post page's title is the post's alone. */
  post?: boolean;
  /** Home and its next pages show the site name as their h1. */
  home?: boolean;
  main: string;
}

function layout(p: PageParts): string {
  const { model } = p;
  const root = rootFrom(p.dir);
  const title = p.title === undefined ? model.title : p.post ? p.title : `${p.title} — ${model.title}`;
  const siteName = `<a href="${href(root, '')}">${h(model.title)}</a>`;
  return '<!DOCTYPE html>\n'
    + '<html lang="fr">\n'
    + '<head>\n'
    + '<meta charset="utf-8">\n'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    + `<title>${titleHtml(title)}</title>\n`
    + (p.description ? `<meta name="description" content="${h(p.description)}">\n` : '')
    + `<link rel="canonical" href="${h(model.baseUrl + p.dir)}">\n`
    + siteFeedLinks(model)
    + (p.feeds ? alternateLinks(p.feeds) : '')
    + `<link rel="stylesheet" href="${root}style.css">\n`
    + '</head>\n'
    + '<body>\n'
    + '<header class="site-header">\n'
    + (p.home ? `<h1 class="site-title">${siteName}</h1>\n` : `<p class="site-title">${siteName}</p>\n`)
    + (p.home && model.description ? `<p class="site-description">${h(model.description)}</p>\n` : '')
    + '</header>\n'
    + `<main>\n${p.main}</main>\n`
    + '<footer class="site-footer">\n'
    + `<p>S'abonner : <a href="${root}${FEED_FILES.rss}" type="application/rss+xml">RSS</a> · <a href="${root}${FEED_FILES.atom}" type="application/atom+xml">Atom</a> · <a href="${root}${FEED_FILES.json}" type="application/feed+json">JSON Feed</a></p>\n`
    + '</footer>\n'
    + '</body>\n'
    + '</html>\n';
}

function meta(entry: Entry, withAuthor: boolean): string {
  return `<p class="meta"><time datetime="${entry.datetime}">${h(entry.dateFr)}</time> <span class="views">${h(entry.viewsFr)}</span>`
    + (withAuthor && entry.author ? ` · <span class="author">${h(entry.author)}</span>` : '')
    + '</p>\n';
}

function tagList(root: string, tags: readonly TagRef[]): string {
  if (tags.length === 0) return '';
  return `<ul class="tags">${tags.map((t) => `<li><a href="${root}${tagPath(t)}" dir="auto">${h(t.name)}</a></li>`).join('')}</ul>\n`;
}

/**
 * A post's card on a list page (home or tag). Built again for each page rather than kept:
 * keeping every card for every folder depth held ~30 MB to the end of a 10,000-post export,
 * and promoting it cost more garbage collection than building a card costs.
 */
function entryCard(root: string, entry: Entry): string {
  const summary = entry.lead();
  return '<article class="entry">\n'
    + `<h2><a href="${root}${entry.slug}/" dir="auto">${h(entry.title)}</a></h2>\n`
    + meta(entry, false)
    + (summary ? `<p class="summary" dir="auto">${h(summary)}</p>\n` : '')
    + tagList(root, entry.tags)
    + '</article>\n';
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

function pagination(root: string, listDir: string, slot: ListSlot): string {
  if (slot.newer === undefined && slot.older === undefined) return '';
  return '<nav class="pagination" aria-label="Pages">\n'
    + (slot.newer !== undefined ? `<a rel="prev" href="${href(root, pageDir(listDir, slot.newer))}">← Billets plus récents</a>\n` : '')
    + (slot.n > 0 ? `<span class="current">Page ${slot.n}</span>\n` : '')
    + (slot.older !== undefined ? `<a rel="next" href="${href(root, pageDir(listDir, slot.older))}">Billets plus anciens →</a>\n` : '')
    + '</nav>\n';
}

/** Index pages of a list (home or a tag), with newer/older links. */
interface ListPageParts extends Partial<PageParts> {
  /** Markup before the entries (the tag page's h1) and after the pagination. */
  before?: string;
  after?: string;
}

function listPage(model: ExportModel, listDir: string, slot: ListSlot, parts: (n: number, root: string) => ListPageParts): string {
  const dir = pageDir(listDir, slot.n);
  const root = rootFrom(dir);
  const { before, after, ...page } = parts(slot.n, root);
  const main = (before ?? '')
    + (slot.entries.length === 0 ? '<p>Aucun billet pour le moment.</p>\n' : slot.entries.map((e) => entryCard(root, e)).join(''))
    + pagination(root, listDir, slot)
    + (after ?? '');
  return layout({ model, dir, main, ...page });
}

function postPage(model: ExportModel, entry: Entry, newer: Entry | undefined, older: Entry | undefined): OutputFile {
  const dir = `${entry.slug}/`;
  const root = rootFrom(dir);
  const neighbours = newer || older
    ? '<nav class="post-nav" aria-label="Billets voisins">\n'
      + (newer ? `<a rel="prev" href="${root}${newer.slug}/" dir="auto">← ${h(newer.title)}</a>\n` : '')
      + (older ? `<a rel="next" href="${root}${older.slug}/" dir="auto">${h(older.title)} →</a>\n` : '')
      + '</nav>\n'
    : '';
  const main = '<article class="post">\n'
    + `<h1 dir="auto">${h(entry.title)}</h1>\n`
    + meta(entry, true)
    + (entry.summary ? `<p class="lead" dir="auto">${h(entry.summary)}</p>\n` : '')
    + `<div class="content" dir="auto">\n${entry.body().html}</div>\n`
    + tagList(root, entry.tags)
    + '</article>\n'
    + neighbours;
  return { path: `${dir}index.html`, content: layout({ model, dir, title: entry.title, post: true, description: entry.summary, main }) };
}

/** A page at an old slug that sends the reader to the post (meta refresh, canonical link, a visible link). */
function aliasPage(alias: string, entry: Entry): OutputFile {
  const target = `../${entry.slug}/`;
  const content = '<!DOCTYPE html>\n'
    + '<html lang="fr">\n'
    + '<head>\n'
    + '<meta charset="utf-8">\n'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    + `<title>${titleHtml(entry.title)}</title>\n`
    + `<link rel="canonical" href="${h(entry.url)}">\n`
    + `<meta http-equiv="refresh" content="0; url=${target}">\n`
    + '<meta name="robots" content="noindex">\n'
    + '</head>\n'
    + '<body>\n'
    + `<p>Ce billet a changé d'adresse : <a href="${target}" dir="auto">${h(entry.title)}</a>.</p>\n`
    + '</body>\n'
    + '</html>\n';
  return { path: `${alias}/index.html`, content };
}

function tagFeedAlternate(model: ExportModel, tag: TagGroup): Alternate {
  return { type: 'application/rss+xml', title: `${model.title} — ${tag.name} (RSS)`, url: `${model.baseUrl}${tagPath(tag)}${FEED_FILES.rss}` };
}

function tagsNav(model: ExportModel): string {
  if (model.tags.length === 0) return '';
  return `<nav aria-label="Toutes les étiquettes">\n<h2>Étiquettes</h2>\n${tagList('', model.tags)}</nav>\n`;
}

/** What a list of entries shows, for keys: each entry's content and the tag links it shows. */
function entriesKey(entries: readonly Entry[]): string {
  let key = '';
  for (const e of entries) key += `${e.slug}\u0001${e.key}\u0001${tagRefsKey(e.tags)}\u0002`;
  return key;
}

function tagRefsKey(tags: readonly TagRef[]): string {
  let key = '';
  for (const t of tags) key += `${t.name}\u0003${t.slug}\u0003`;
  return key;
}

function neighbourKey(entry: Entry | undefined): string {
  return entry === undefined ? '' : `${entry.slug}\u0001${entry.title}`;
}

/**
 * Every file of the site as a plan: its path, its key and how to render it. Posts already
 * filtered and sorted newest first; given whole (Post) or as PostSource (read when rendered).
 */
export function planHtmlSite(site: SiteSettings, posts: readonly (Post | PostSource)[], options: HtmlPlanOptions): PlannedFile[] {
  const model = buildModel(site, posts, { baseUrl: options.baseUrl });
  const siteKey = digest(String(PLAN_FORMAT), packageVersion(), process.versions.tz ?? process.versions.icu ?? '',
    JSON.stringify([model.title, model.description, model.language, model.author ?? null, model.timeZone, model.baseUrl]), options.inputsKey ?? '');
  const files: PlannedFile[] = [];
  const plan = (path: string, parts: readonly string[], render: () => string) => {
    files.push({ path, key: digest(siteKey, path, ...parts), render });
  };
  const { entries } = model;
  // A post page's body is rendered once; only the HTML the feeds need is kept after.
  const inFeeds = new Set(entries.slice(0, DEFAULT_FEED_LIMIT));
  for (const tag of model.tags) for (const e of tag.entries.slice(0, DEFAULT_FEED_LIMIT)) inFeeds.add(e);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const newer = entries[i - 1];
    const older = entries[i + 1];
    plan(`${entry.slug}/index.html`, [entry.key, tagRefsKey(entry.tags), neighbourKey(newer), neighbourKey(older)], () => {
      const page = postPage(model, entry, newer, older).content;
      if (!inFeeds.has(entry)) entry.release();
      return page;
    });
  }
  const allTags = model.tags.map((t) => `${t.name}\u0003${t.slug}`).join('\u0002');
  planListPages(plan, model, entries, '', (n) => ({
    home: true,
    title: n === 0 ? undefined : `Page ${n}`,
    description: model.description || undefined,
    after: n === 0 ? tagsNav(model) : undefined,
  }), (n) => (n === 0 ? allTags : ''));
  for (const tag of model.tags) {
    const dir = tagPath(tag);
    const feed = tagFeedAlternate(model, tag);
    const tagKey = `${tag.name}\u0003${tag.slug}`;
    const total = tag.entries.length;
    planListPages(plan, model, tag.entries, dir, (n, root) => ({
      title: `Étiquette « ${tag.name} »${n > 0 ? `, page ${n}` : ''}`,
      feeds: [feed],
      before: `<h1>Étiquette « <span dir="auto">${h(tag.name)}</span> »</h1>\n`
        + `<p>${n === 0 ? `${formatCountFr(total)} billet${total > 1 ? 's' : ''}` : `Page ${n}`} · `
        + `<a href="${root}${dir}${FEED_FILES.rss}" type="application/rss+xml">flux RSS de cette étiquette</a></p>\n`,
    }), (n) => (n === 0 ? `${tagKey}\u0003${total}` : tagKey));
    plan(`${dir}${FEED_FILES.rss}`, ['rss', tagKey, entriesKey(tag.entries.slice(0, DEFAULT_FEED_LIMIT))],
      () => rssDocument(feedView(model, 'rss', { tag: tag.name })));
  }
  const feedEntries = entriesKey(entries.slice(0, DEFAULT_FEED_LIMIT));
  plan(FEED_FILES.rss, ['rss', feedEntries], () => rssDocument(feedView(model, 'rss', {})));
  plan(FEED_FILES.atom, ['atom', feedEntries], () => atomDocument(feedView(model, 'atom', {})));
  plan(FEED_FILES.json, ['json', feedEntries], () => jsonFeedDocument(feedView(model, 'json', {})));
  plan('style.css', ['style'], () => STYLESHEET);
  for (const alias of model.aliases) {
    plan(`${alias.slug}/index.html`, ['alias', neighbourKey(alias.entry), alias.entry.url], () => aliasPage(alias.slug, alias.entry).content);
  }
  return files;
}

type Plan = (path: string, parts: readonly string[], render: () => string) => void;

/** Plans the index pages of a list (home or a tag); `extraKey` names what `parts` shows besides the entries. */
function planListPages(plan: Plan, model: ExportModel, entries: readonly Entry[], listDir: string,
  parts: (n: number, root: string) => ListPageParts, extraKey: (n: number) => string): void {
  for (const slot of listSlots(entries)) {
    plan(`${pageDir(listDir, slot.n)}index.html`, ['list', String(slot.n), String(slot.newer), String(slot.older), extraKey(slot.n), entriesKey(slot.entries)],
      () => listPage(model, listDir, slot, parts));
  }
}

/** Every file of the site, rendered. Posts already filtered and sorted newest first. */
export function* renderHtmlSite(site: SiteSettings, posts: readonly (Post | PostSource)[], options: HtmlPlanOptions): Generator<OutputFile> {
  for (const file of planHtmlSite(site, posts, options)) yield { path: file.path, content: file.render() };
}
