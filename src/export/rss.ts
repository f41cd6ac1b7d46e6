import type { Post } from '../core/post.js';
import { formatRfc822 } from './dates.js';
import { buildModel, feedView, type Entry, type ExportOptions, type FeedView, type SiteSettings } from './model.js';
import { escapeXml as x } from './text.js';

/**
 * RSS 2.0, written by hand: every value is cleaned (model) and escaped here, which keeps
 * `]]>`, `&`, quotes and control characters from ever breaking the document, and dates
 * carry the site's offset (feed@6 would print GMT and pass control characters through).
 */

/** Each entry's item, made once for the site's feed and its tags' feeds (for the entry's content key: an entry may take new content, see Entry.update). */
const items = new WeakMap<Entry, { key: string; xml: string }>();

function item(entry: Entry, timeZone: string): string {
  const made = items.get(entry);
  if (made !== undefined && made.key === entry.key) return made.xml;
  let xml: string;
  const body = entry.body();
  const description = entry.lead();
  xml = '<item>\n'
    + `<title>${x(entry.title)}</title>\n`
    + `<link>${x(entry.url)}</link>\n`
    + `<guid isPermaLink="${entry.guidIsPermalink ? 'true' : 'false'}">${x(entry.guid)}</guid>\n`
    + `<pubDate>${formatRfc822(entry.instant, timeZone)}</pubDate>\n`
    + (entry.author ? `<dc:creator>${x(entry.author)}</dc:creator>\n` : '')
    + entry.tags.map((t) => `<category>${x(t.name)}</category>\n`).join('')
    + (description ? `<description>${x(description)}</description>\n` : '')
    + `<content:encoded>${x(body.html)}</content:encoded>\n`
    + '</item>\n';
  items.set(entry, { key: entry.key, xml });
  return xml;
}

/** The RSS document of one feed view (the site's or a tag's). */
export function rssDocument(view: FeedView): string {
  const { model } = view;
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
    + '<channel>\n'
    + `<title>${x(view.title)}</title>\n`
    + `<link>${x(view.homeUrl)}</link>\n`
    + `<description>${x(view.description || view.title)}</description>\n`
    + `<language>${x(model.language)}</language>\n`
    + (view.updated ? `<lastBuildDate>${formatRfc822(view.updated, model.timeZone)}</lastBuildDate>\n` : '')
    + '<generator>news</generator>\n'
    + `<atom:link href="${x(view.selfUrl)}" rel="self" type="application/rss+xml"/>\n`
    + view.entries.map((e) => item(e, model.timeZone)).join('')
    + '</channel>\n'
    + '</rss>\n';
}

/** `news export rss`: posts already filtered and sorted newest first. */
export function renderRss(site: SiteSettings, posts: readonly Post[], options: ExportOptions): string {
  return rssDocument(feedView(buildModel(site, posts, options), 'rss', options));
}
