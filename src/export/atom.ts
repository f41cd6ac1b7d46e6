import type { Post } from '../core/post.js';
import { formatRfc3339 } from './dates.js';
import { buildModel, feedView, type Entry, type ExportOptions, type FeedView, type SiteSettings } from './model.js';
import { escapeXml as x } from './text.js';

/** Atom 1.0 (RFC 4287), by hand for the same reasons as RSS. The entry id is `urn:uuid:<id>` (Atom ids are IRIs). */

function atomId(entry: Entry): string {
  return entry.guidIsPermalink ? entry.guid : `urn:uuid:${entry.guid}`;
}

function entryXml(entry: Entry, timeZone: string): string {
  const body = entry.body();
  const summary = entry.lead();
  return '<entry>\n'
    + `<id>${x(atomId(entry))}</id>\n`
    + `<title type="text">${x(entry.title)}</title>\n`
    + `<link rel="alternate" type="text/html" href="${x(entry.url)}"/>\n`
    + `<published>${formatRfc3339(entry.instant, timeZone)}</published>\n`
    + `<updated>${formatRfc3339(entry.updated, timeZone)}</updated>\n`
    + (entry.author ? `<author><name>${x(entry.author)}</name></author>\n` : '')
    + entry.tags.map((t) => `<category term="${x(t.name)}"/>\n`).join('')
    + (summary ? `<summary type="text">${x(summary)}</summary>\n` : '')
    + `<content type="html">${x(body.html)}</content>\n`
    + '</entry>\n';
}

export function atomDocument(view: FeedView): string {
  const { model } = view;
  // An empty feed still needs <updated>: the epoch keeps the output free of the clock.
  const updated = formatRfc3339(view.updated ?? new Date(0), model.timeZone);
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${x(model.language)}">\n`
    + `<id>${x(view.homeUrl)}</id>\n`
    + `<title type="text">${x(view.title)}</title>\n`
    + (view.description ? `<subtitle type="text">${x(view.description)}</subtitle>\n` : '')
    + `<updated>${updated}</updated>\n`
    + `<link rel="alternate" type="text/html" href="${x(view.homeUrl)}"/>\n`
    + `<link rel="self" type="application/atom+xml" href="${x(view.selfUrl)}"/>\n`
    // Atom wants an author on the feed or on every entry.
    + `<author><name>${x(model.author ?? model.title)}</name></author>\n`
    + '<generator>news</generator>\n'
    + view.entries.map((e) => entryXml(e, model.timeZone)).join('')
    + '</feed>\n';
}

export function renderAtom(site: SiteSettings, posts: readonly Post[], options: ExportOptions): string {
  return atomDocument(feedView(buildModel(site, posts, options), 'atom', options));
}
