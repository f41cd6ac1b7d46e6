/**
 * Readers for other sites' feeds: RSS 2.0, 0.9x and 1.0 (RDF), Atom 1.0, JSON Feed 1.1 (and 1.0).
 *
 * XML goes through fast-xml-parser: maintained, pure JavaScript, validates well-formedness
 * with a line and column, and never fetches anything (no DTD, no external entity), so a
 * hostile feed cannot reach the network or the disk. Pure: text in, posts or reasons out.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parsePostDate, yearProblem } from '../core/dates.js';
import { uniqueTags } from '../core/tags.js';
import { asPostUuid, IMPORT_NAMESPACE, uuidV5 } from './id.js';
import { htmlToMarkdown, htmlToText } from './html.js';
import { plainTextToMarkdown } from './text.js';
import type { ImportedPost, ItemResult, MissingPart } from './types.js';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface FeedItem {
  /** `élément 3 « Titre »`, for messages. */
  label: string;
  result: ItemResult;
}

export type FeedResult = { ok: true; format: FeedFormat; items: FeedItem[] } | { ok: false; reason: string };

/** How each format is named to the user. */
export const FEED_NAMES: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

type Node = Record<string, unknown>;

/** Which format a text looks like, to say so when `--from` names another. */
export function sniffFeedFormat(text: string): FeedFormat | undefined {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return /"version"\s*:\s*"https?:\/\/jsonfeed\.org\//.test(start.slice(0, 2000)) ? 'json' : undefined;
  if (!start.startsWith('<')) return undefined;
  const head = start.slice(0, 4000).replace(/<!--[\s\S]*?-->/g, '');
  if (/<(?:\w+:)?rss[\s>]/.test(head) || /<rdf:RDF[\s>]/.test(head)) return 'rss';
  if (/<(?:\w+:)?feed[\s>]/.test(head)) return 'atom';
  return undefined;
}

export function parseFeed(text: string, format: FeedFormat): FeedResult {
  const sniffed = sniffFeedFormat(text);
  if (sniffed && sniffed !== format) {
    return { ok: false, reason: `ce fichier est un flux ${FEED_NAMES[sniffed]}, pas ${FEED_NAMES[format]} : relancez avec --from ${sniffed}` };
  }
  return format === 'json' ? parseJsonFeed(text) : parseXmlFeed(text, format);
}

// ---------------------------------------------------------------- XML helpers

const ARRAY_TAGS = new Set(['item', 'entry', 'category', 'link', 'author', 'contributor', 'dc:subject', 'dc:creator']);

function xmlParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Atom content and summary are kept raw: type="xhtml" is markup that must stay in order.
    stopNodes: ['feed.entry.content', 'feed.entry.summary', 'feed.entry.title'],
    isArray: (name) => ARRAY_TAGS.has(name),
    processEntities: { enabled: true, maxEntityCount: 0, maxTotalExpansions: 100_000, maxExpandedLength: 10_000_000 },
  });
}

function asArray(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Text of a parsed node: a string, or an element with attributes and `#text`. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === 'object') return text((value as Node)['#text']);
  return undefined;
}

function attr(value: unknown, name: string): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = (value as Node)[`@_${name}`];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Decodes raw XML character data kept by a stop node: CDATA sections and the five entities plus numeric ones. */
function decodeXmlText(raw: string): string {
  let out = '';
  const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  for (let m = cdata.exec(raw); m; m = cdata.exec(raw)) {
    out += decodeEntities(raw.slice(last, m.index)) + m[1];
    last = m.index + m[0].length;
  }
  return out + decodeEntities(raw.slice(last));
}

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** An Atom text construct (title, summary, content) as HTML. */
function atomHtml(node: unknown): string | undefined {
  const raw = text(node);
  if (raw === undefined) return undefined;
  const type = (attr(node, 'type') ?? 'text').toLowerCase();
  if (type === 'xhtml') return raw.trim().replace(/^<(?:\w+:)?div\b[^>]*>([\s\S]*)<\/(?:\w+:)?div>$/, '$1');
  const decoded = decodeXmlText(raw);
  if (type === 'html' || type === 'text/html') return decoded;
  return escapeHtml(decoded).replace(/\n/g, '<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ---------------------------------------------------------------- dates

const RFC822_ZONES: Record<string, string> = {
  UT: '+00:00', UTC: '+00:00', GMT: '+00:00', Z: '+00:00',
  EST: '-05:00', EDT: '-04:00', CST: '-06:00', CDT: '-05:00',
  MST: '-07:00', MDT: '-06:00', PST: '-08:00', PDT: '-07:00',
  CET: '+01:00', CEST: '+02:00',
};
const MONTHS_EN = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A feed date as a post date, keeping the writer's offset: RFC 3339 / ISO 8601 (Atom, JSON
 * Feed) or RFC 822 (RSS `pubDate`). A date-time without an offset is read as UTC, with a warning.
 */
export function parseFeedDate(value: string): { date: string; warning?: string } | undefined {
  const v = value.trim();
  if (parsePostDate(v)) return { date: v };
  const noOffset = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(v);
  if (noOffset) {
    const candidate = `${noOffset[1]}T${noOffset[2]}Z`;
    if (parsePostDate(candidate)) return { date: candidate, warning: `date « ${v} » sans fuseau horaire : lue en UTC` };
  }
  const rfc = /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,4})?$/.exec(v);
  if (!rfc) return undefined;
  const month = MONTHS_EN.indexOf(rfc[2]!.toLowerCase()) + 1;
  if (month === 0) return undefined;
  let year = Number(rfc[3]);
  if (rfc[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  const zone = rfc[7] ?? 'GMT';
  let offset: string | undefined;
  if (/^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3)}`;
  } else {
    offset = RFC822_ZONES[zone.toUpperCase()];
  }
  if (!offset) return undefined;
  const two = (n: string | number) => String(n).padStart(2, '0');
  const iso = `${year}-${two(month)}-${two(rfc[1]!)}T${two(rfc[4]!)}:${rfc[5]}:${rfc[6] ?? '00'}${offset}`;
  return parsePostDate(iso) ? { date: iso } : undefined;
}

// ---------------------------------------------------------------- shared item building

interface RawItem {
  index: number;
  id?: string;
  link?: string;
  title?: string;
  dateText?: string;
  /** The feed's own date (channel pubDate, lastBuildDate, dc:date; Atom updated), for items without one. */
  feedDateText?: string;
  updatedText?: string;
  html?: string;
  plainText?: string;
  summaryHtml?: string;
  tags: string[];
  author?: string;
}

/**
 * The post id from the item's own id: a UUID is kept as is (a feed that `news export` wrote
 * comes back to the same post), anything else becomes a name-based UUID of it.
 */
export function feedItemId(guid: string | undefined, link: string | undefined, title: string, date: string): string {
  const key = guid?.trim() || link?.trim();
  if (key) return asPostUuid(key) ?? uuidV5(`feed-item\n${key}`, IMPORT_NAMESPACE);
  return uuidV5(`feed-item\n${title}\n${date}`, IMPORT_NAMESPACE);
}

/** Control characters (terminal escapes, bells…) have no place in a post; line breaks and tabs stay. */
function withoutControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
}

function buildItem(raw: RawItem): FeedItem {
  const title = raw.title ? withoutControls(htmlToText(raw.title)) : '';
  const label = `élément ${raw.index + 1}${title ? ` « ${title} »` : raw.id ? ` (${raw.id})` : ''}`;
  const missing: MissingPart[] = [];
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (!title) {
    missing.push('titre');
    reasons.push('titre absent');
  }
  let date: string | undefined;
  const feedDate = raw.dateText?.trim() ? undefined : raw.feedDateText?.trim() ? parseFeedDate(raw.feedDateText) : undefined;
  if (feedDate) {
    // An item without a date takes the feed's (the date it was published or built), said aloud.
    date = feedDate.date;
    warnings.push(`élément sans date : date du flux utilisée (${raw.feedDateText!.trim()})`);
  } else if (!raw.dateText?.trim()) {
    missing.push('date');
    reasons.push(raw.feedDateText?.trim()
      ? `date absente, et la date du flux « ${raw.feedDateText.trim()} » est illisible : ajoutez une date à l’élément (pubDate, dc:date, published)`
      : 'date absente : ni l’élément ni le flux n’ont de date (pubDate, dc:date, lastBuildDate, updated) : ajoutez-en une à l’élément');
  } else {
    const parsed = parseFeedDate(raw.dateText);
    if (!parsed) {
      missing.push('date');
      const badYear = yearProblem(raw.dateText);
      reasons.push(badYear
        ? `date « ${raw.dateText.trim()} » : ${badYear}`
        : `date illisible « ${raw.dateText.trim()} » (attendu RFC 822 ou ISO 8601, ex. 2013-10-29T09:12:00+01:00)`);
    } else {
      date = parsed.date;
      if (parsed.warning) warnings.push(parsed.warning);
    }
  }
  if (!date || !title) return { label, result: { ok: false, missing, reasons } };
  const body = withoutControls(raw.html !== undefined ? htmlToMarkdown(raw.html, raw.link) : raw.plainText !== undefined ? plainTextToMarkdown(raw.plainText) : '');
  if (!body) warnings.push('contenu vide');
  const summary = raw.summaryHtml ? withoutControls(htmlToText(raw.summaryHtml)) || undefined : undefined;
  if (!raw.id && !raw.link) warnings.push("ni identifiant ni lien : l’id est tiré du titre et de la date");
  let updatedAt: string | undefined;
  if (raw.updatedText) {
    const updated = parseFeedDate(raw.updatedText)?.date;
    if (updated && parsePostDate(updated)?.kind === 'instant' && updated !== date) updatedAt = updated;
  }
  const post: ImportedPost = {
    id: feedItemId(raw.id, raw.link, title, date),
    title,
    date,
    body,
    views: 0,
    tags: uniqueTags(raw.tags.map(withoutControls)),
    ...(raw.author && withoutControls(raw.author).trim() ? { author: withoutControls(raw.author).trim() } : {}),
    ...(summary ? { summary } : {}),
    ...(updatedAt ? { updatedAt } : {}),
  };
  return { label, result: { ok: true, post, warnings } };
}

// ---------------------------------------------------------------- RSS and Atom

function child(node: unknown, ...names: string[]): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  for (const name of names) {
    const value = (node as Node)[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `jean@exemple.fr (Jean Dupont)` → `Jean Dupont`. */
function rssAuthor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^\S+@\S+\s+\((.+)\)$/.exec(value.trim());
  return match ? match[1] : value;
}

function atomPersonName(node: unknown): string | undefined {
  const first = asArray(node)[0];
  return text(child(first, 'name')) ?? (typeof first === 'string' ? first : undefined);
}

function atomLink(entry: unknown): string | undefined {
  const links = asArray(child(entry, 'link'));
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  return attr(alternate, 'href');
}

/**
 * The XML parser's refusals (fast-xml-parser, in English) said in French, with what to do.
 * The DOCTYPE limits are security limits (no external file is ever read, no entity bomb).
 */
function parserReasonFr(message: string): string {
  let m: RegExpExecArray | null;
  if (/External entities are not supported/i.test(message)) {
    return 'le DOCTYPE déclare une entité externe (SYSTEM ou PUBLIC), que news ne charge jamais (un flux ne doit pas faire lire d’autres fichiers) : retirez cette déclaration <!ENTITY … SYSTEM …> du flux';
  }
  if (/Parameter entities are not supported/i.test(message)) {
    return 'le DOCTYPE déclare une entité paramètre (<!ENTITY % …>), non prise en charge : retirez-la du flux';
  }
  if ((m = /Entity "(.*)" size \((\d+)\) exceeds maximum allowed size \((\d+)\)/i.exec(message))) {
    return `l’entité « ${m[1]} » du DOCTYPE fait ${m[2]} caractères, au plus ${m[3]} permis : raccourcissez-la ou écrivez son texte directement dans le flux`;
  }
  if ((m = /Entity count \((\d+)\) exceeds maximum allowed \((\d+)\)/i.exec(message))) {
    return `le DOCTYPE déclare ${m[1]} entités, au plus ${m[2]} permises : retirez ces déclarations et écrivez le texte directement dans le flux`;
  }
  if (/expan/i.test(message) && /exceed/i.test(message)) {
    return 'les entités du DOCTYPE se développent en un texte trop long (protection contre les « bombes » XML) : écrivez le texte directement dans le flux';
  }
  if (/Multiple DOCTYPE/i.test(message)) return 'plusieurs déclarations DOCTYPE : gardez-en une seule';
  if (/DOCTYPE/i.test(message)) return `déclaration DOCTYPE invalide (${message}) : corrigez-la ou retirez-la du flux`;
  return `${message} : corrigez le flux`;
}

function parseXmlFeed(text0: string, format: 'rss' | 'atom'): FeedResult {
  const xml = text0.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, reason: `XML invalide ligne ${valid.err.line}, colonne ${valid.err.col} (${valid.err.msg}) : corrigez le flux` };
  }
  let doc: Node;
  try {
    doc = xmlParser().parse(xml) as Node;
  } catch (error) {
    return { ok: false, reason: `XML illisible : ${parserReasonFr((error as Error).message)}` };
  }
  if (format === 'rss') {
    // RSS 2.0 and 0.91–0.94: <rss><channel><item>; RSS 1.0 and 0.90 (RDF): <rdf:RDF><channel/><item/>,
    // the items beside the channel.
    const rdf = child(doc, 'rdf:RDF', 'RDF');
    const channel = rdf ? child(rdf, 'channel') : child(child(doc, 'rss'), 'channel');
    if (!channel) return { ok: false, reason: 'pas un flux RSS (ni <rss><channel> pour RSS 0.9x et 2.0, ni <rdf:RDF><channel> pour RSS 1.0 et 0.90)' };
    const feedAuthor = text(child(channel, 'managingEditor', 'dc:creator'));
    const feedDateText = text(child(channel, 'pubDate')) ?? text(child(channel, 'lastBuildDate')) ?? text(child(channel, 'dc:date'));
    const rawItems = rdf ? [...asArray(child(rdf, 'item')), ...asArray(child(channel, 'item'))] : asArray(child(channel, 'item'));
    const items = rawItems.map((item, index) => buildItem({
      index,
      id: text(child(item, 'guid')) ?? attr(item, 'rdf:about'),
      link: text(child(item, 'link')),
      title: text(child(item, 'title')),
      dateText: text(child(item, 'pubDate', 'dc:date')),
      feedDateText,
      html: text(child(item, 'content:encoded')) ?? text(child(item, 'description')),
      summaryHtml: child(item, 'content:encoded') !== undefined ? text(child(item, 'description')) : undefined,
      tags: [...asArray(child(item, 'category')), ...asArray(child(item, 'dc:subject'))].map((c) => text(c) ?? '').filter(Boolean),
      author: rssAuthor(text(child(item, 'dc:creator')) ?? text(child(item, 'author'))) ?? rssAuthor(feedAuthor),
    }));
    return { ok: true, format, items };
  }
  const feed = child(doc, 'feed');
  if (!feed) return { ok: false, reason: "pas un flux Atom (élément <feed> absent)" };
  const feedAuthor = atomPersonName(child(feed, 'author'));
  const items = asArray(child(feed, 'entry')).map((entry, index) => {
    const contentNode = child(entry, 'content');
    const summaryNode = child(entry, 'summary');
    const content = attr(contentNode, 'src') ? undefined : atomHtml(contentNode);
    const summary = atomHtml(summaryNode);
    return buildItem({
      index,
      id: text(child(entry, 'id')),
      link: atomLink(entry),
      title: atomHtml(child(entry, 'title')),
      dateText: text(child(entry, 'published')) ?? text(child(entry, 'updated')),
      feedDateText: text(child(feed, 'updated')),
      updatedText: text(child(entry, 'updated')),
      html: content ?? summary,
      summaryHtml: content !== undefined ? summary : undefined,
      tags: asArray(child(entry, 'category')).map((c) => attr(c, 'label') ?? attr(c, 'term') ?? '').filter(Boolean),
      author: atomPersonName(child(entry, 'author')) ?? feedAuthor,
    });
  });
  return { ok: true, format, items };
}

// ---------------------------------------------------------------- JSON Feed

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function jsonAuthor(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const authors = (node as Node).authors;
  if (Array.isArray(authors)) {
    const name = authors.map((a) => str((a as Node | null)?.name)).find(Boolean);
    if (name) return name;
  }
  const author = (node as Node).author;
  return author && typeof author === 'object' ? str((author as Node).name) : undefined;
}

function parseJsonFeed(source: string): FeedResult {
  let doc: unknown;
  try {
    doc = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, reason: `JSON invalide (${(error as Error).message}) : corrigez le flux` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, reason: 'pas un JSON Feed (un objet JSON est attendu)' };
  const feed = doc as Node;
  const version = str(feed.version);
  if (!version || !/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?$/.test(version)) {
    return { ok: false, reason: `pas un JSON Feed 1.x (champ version « ${version ?? 'absent'} », attendu https://jsonfeed.org/version/1.1)` };
  }
  if (!Array.isArray(feed.items)) return { ok: false, reason: 'JSON Feed sans tableau items' };
  const feedAuthor = jsonAuthor(feed);
  const items = feed.items.map((value, index) => {
    const item = value && typeof value === 'object' ? (value as Node) : {};
    const html = str(item.content_html);
    const plain = str(item.content_text);
    const summary = str(item.summary);
    return buildItem({
      index,
      id: str(item.id),
      link: str(item.url) ?? str(item.external_url),
      title: str(item.title) !== undefined ? escapeHtml(str(item.title)!) : undefined,
      dateText: str(item.date_published) ?? str(item.date_modified),
      updatedText: str(item.date_modified),
      html: html ?? (plain === undefined && summary !== undefined ? escapeHtml(summary) : undefined),
      plainText: html === undefined ? plain : undefined,
      summaryHtml: summary !== undefined && (html !== undefined || plain !== undefined) ? escapeHtml(summary) : undefined,
      tags: Array.isArray(item.tags) ? item.tags.map((t) => str(t) ?? '') : [],
      author: jsonAuthor(item) ?? feedAuthor,
    });
  });
  return { ok: true, format: 'json', items };
}
