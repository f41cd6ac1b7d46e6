import { formatIsoDay, formatIsoInstantOfParts, lastChangeMs, parsePostDate, type LastChange, postInstant, zonedParts, type PostDate } from '../core/dates.js';
import { tagKey } from '../core/filters.js';
import { createHash } from 'node:crypto';
import type { Post, PostListing } from '../core/post.js';
import { slugify, uniqueSlug } from '../core/slug.js';
import { frenchTypography as typeset, NNBSP } from '../core/typography.js';
import { formatDayFr, formatViewsBracketedFr } from '../format/french.js';
import { renderBody, type RenderedBody } from './markdown.js';
import { cleanLine, cleanText } from './text.js';
import { cleanOptional, DEFAULT_FEED_LIMIT, digest, shownOptional, siteModelFields, type SiteFields, type SiteSettings } from './plan-key.js';

export { DEFAULT_FEED_LIMIT, DEFAULT_SITE_TITLE, digest, siteModelFields, type SiteSettings } from './plan-key.js';

/** What every renderer takes besides the site and the posts. */
export interface ExportOptions {
  /** Absolute http(s) URL ending with `/` (see normalizeBaseUrl). */
  baseUrl: string;
  /** Feeds: at most this many items (default 20). */
  limit?: number;
  /** Feeds: the posts given are those of this tag; titles and links say so. */
  tag?: string;
}

export const UNTITLED = '(sans titre)';

/** The one rule for base URLs lives with the other site.json rules (core/site.ts). */
export { normalizeBaseUrl } from '../core/site.js';

/**
 * A post as the site plan takes it: the fields that choose, order and link pages now, the whole
 * post only when a page showing it is rendered (an export with nothing changed reads no post).
 */
export interface PostSource {
  listing: PostListing;
  /** Changes whenever anything in the post does (a digest of its file, or of the post). */
  key: string;
  /** Its publication instant in ms (postTime) in the time zone of the export, when already known. */
  time?: number;
  /** Its last change (core/dates.ts lastChangeOf), in ms and as RFC 3339 in the zone of the export, when already known (else the post is read for it). */
  lastChange?: LastChange;
  /** True when the post is the one the last export's record holds (same key): see LastPostPages in html.ts. */
  unchanged?: boolean;
  full(): Post;
}

/** A post already in memory, as a PostSource (its key a digest of its fields). */
export function postSource(post: Post): PostSource {
  return { listing: post, key: digest(JSON.stringify(post)), full: () => post };
}

function isSource(value: Post | PostSource): value is PostSource {
  return typeof (value as PostSource).full === 'function' && typeof (value as PostSource).key === 'string';
}

export interface TagRef {
  name: string;
  slug: string;
}

/** One post as every renderer needs it; the body is rendered on first use, once. */
export interface Entry {
  /** The whole post (read on first use when the entry came from a PostSource). */
  readonly post: Post;
  /** Changes whenever anything in the post does: pages showing the entry include it in their keys. */
  key: string;
  slug: string;
  /** Old slugs of this post (redirect pages). */
  aliases: readonly string[];
  url: string;
  title: string;
  /** The title as the post gives it (title is made from it alone): for keys, without typesetting 10,000 titles. */
  titleKey: string;
  guid: string;
  guidIsPermalink: boolean;
  summary?: string;
  author?: string;
  tags: TagRef[];
  date: PostDate;
  /** Publication instant (a calendar date starts at midnight in the site's zone). */
  instant: Date;
  /** Last change: updatedAt when later than the publication, else the publication. */
  updated: Date;
  /** `updated` as RFC 3339 in the site's zone, when the source already knew it (else undefined). */
  readonly knownUpdatedIso: string | undefined;
  /** `le 29 octobre 2013`. */
  dateFr: string;
  /** `2013-10-29`, or the instant with its offset. */
  datetime: string;
  /** `(lu 787 fois)`. */
  viewsFr: string;
  body(): RenderedBody;
  /** The lead shown in lists and feed descriptions: the summary, else the body's first paragraph. */
  lead(): string;
  /** Forgets the rendered HTML (kept: the lead); body() renders again if asked. Saves memory on big sites. */
  release(): void;
  /**
   * Takes another version of the same post (news serve, a post saved again): same slug, date,
   * status, tags and aliases (the caller checks), any other content; forgets what it worked out.
   */
  update(source: PostSource): void;
  /** Its source's `unchanged`: the post is the one the last export's record holds. */
  readonly unchanged: boolean;
  /** What lists showing the entry put in their keys (export/html.ts), worked out once; forgotten by update. */
  listId: string | undefined;
  /** Takes the lead another thread worked out for this same post (a full export in parallel). */
  primeLead(text: string): void;
}

export interface TagGroup extends TagRef {
  entries: Entry[];
}

export interface Alias {
  slug: string;
  entry: Entry;
}

export interface ExportModel extends SiteFields {
  /** Newest first, as given. */
  entries: Entry[];
  /** By French alphabetical order of their names. */
  tags: TagGroup[];
  /** Old slugs that redirect; never one that a post uses, each claimed once. */
  aliases: Alias[];
  tagOf(name: string): TagGroup | undefined;
}

/** A tag's folder name before any `-2` suffix (a tag of symbols only gets `etiquette`). */
function tagSlug(name: string): string {
  return slugify(name) || 'etiquette';
}

/**
 * `le 29 octobre 2013` and the `<time datetime>` value of a post date. A date-time asks Intl
 * for its wall-clock parts once (formatDateFr and formatIsoInstant would ask three times);
 * the text is the same as theirs.
 */
function shownDates(date: PostDate, instant: Date, timeZone: string): { dateFr: string; datetime: string } {
  if (date.kind === 'calendar') return { dateFr: `le ${formatDayFr(date.day)}`, datetime: formatIsoDay(date.day) };
  const p = zonedParts(instant, timeZone);
  return { dateFr: `le ${formatDayFr(p)}`, datetime: formatIsoInstantOfParts(instant, p) };
}

/**
 * An Entry: plain fields and shared methods (no closures per post: 10,000 posts make 10,000 of these).
 * What needs the whole post (summary, author, views, guid, body) is worked out on first use,
 * so an incremental export that renders nothing reads nothing.
 */
class PostEntry implements Entry {
  readonly slug: string;
  readonly url: string;
  titleKey: string;
  key: string;
  readonly aliases: readonly string[];
  listId: string | undefined = undefined;
  private shown: { dateFr: string; datetime: string } | undefined = undefined;
  private loaded: Post | undefined = undefined;
  private rendered: RenderedBody | undefined = undefined;
  private leadText: string | undefined = undefined;
  private viewsText: string | undefined = undefined;
  private updatedAt: Date | undefined = undefined;

  constructor(
    private source: PostSource,
    baseUrl: string,
    readonly date: PostDate,
    readonly instant: Date,
    readonly tags: TagRef[],
    private readonly siteAuthor: string | undefined,
    private readonly timeZone: string,
  ) {
    const { listing } = source;
    this.slug = listing.slug;
    this.key = source.key;
    this.aliases = listing.aliases;
    this.url = `${baseUrl}${listing.slug}/`;
    this.titleKey = listing.title;
  }

  private shownTitle: string | undefined = undefined;

  get title(): string {
    return (this.shownTitle ??= typeset(cleanLine(this.titleKey)) || UNTITLED);
  }

  get dateFr(): string {
    return (this.shown ??= shownDates(this.date, this.instant, this.timeZone)).dateFr;
  }

  get datetime(): string {
    return (this.shown ??= shownDates(this.date, this.instant, this.timeZone)).datetime;
  }

  get post(): Post {
    return (this.loaded ??= this.source.full());
  }

  get guid(): string {
    return this.post.id ?? this.url;
  }

  get guidIsPermalink(): boolean {
    return this.post.id === undefined;
  }

  get summary(): string | undefined {
    return shownOptional(this.post.summary);
  }

  get author(): string | undefined {
    return shownOptional(this.post.author) ?? this.siteAuthor;
  }

  /** From the listing (the same file as the post, by its key): a list page never reads the post for it. */
  get viewsFr(): string {
    return (this.viewsText ??= formatViewsBracketedFr(this.source.listing.views));
  }

  get unchanged(): boolean {
    return this.source.unchanged === true;
  }

  get knownUpdatedIso(): string | undefined {
    return this.source.lastChange?.iso;
  }

  /** Worked out once (the sitemap and the lists ask again after release()). */
  get updated(): Date {
    // The sitemap asks this of every post: a post the export read from the table is not read for it.
    return (this.updatedAt ??= new Date(this.source.lastChange?.ms ?? lastChangeMs(this.post.updatedAt, this.instant.getTime())));
  }

  body(): RenderedBody {
    return (this.rendered ??= renderBody(cleanText(this.post.body), this.url));
  }

  lead(): string {
    return (this.leadText ??= this.summary ?? this.body().excerpt);
  }

  primeLead(text: string): void {
    this.leadText ??= text;
  }

  update(source: PostSource): void {
    this.source = source;
    this.key = source.key;
    this.titleKey = source.listing.title;
    this.shownTitle = undefined;
    this.listId = undefined;
    this.loaded = undefined;
    this.rendered = undefined;
    this.leadText = undefined;
    // Every value worked out from the post's content is forgotten (keep this list whole: the
    // randomised test of test/export/preview.test.ts compares with a fresh plan).
    this.viewsText = undefined;
    this.updatedAt = undefined;
  }

  release(): void {
    this.leadText ??= this.summary ?? this.rendered?.excerpt;
    this.rendered = undefined;
    // A post read from its file is read again if needed; one given in memory stays.
    this.loaded = undefined;
  }
}

const nameCollator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/**
 * Builds the model once: cleaned text, permalinks, dates, tags (grouped by tagKey, as `--tag`
 * matches them) and aliases. Posts must already be filtered
 * and sorted (newest first). Linear in the number of posts and tags.
 */
export function buildModel(site: SiteSettings, posts: readonly (Post | PostSource)[], options: ExportOptions): ExportModel {
  const { baseUrl } = options;
  const timeZone = site.timeZone;
  const siteAuthor = shownOptional(site.author);
  const groups = new Map<string, TagGroup>();
  const takenTagSlugs = new Set<string>();
  const tagGroup = (raw: string, name: string, key: string): TagGroup => {
    let group = groups.get(key);
    if (!group) {
      const slug = uniqueSlug(tagSlug(raw), (s) => takenTagSlugs.has(s));
      takenTagSlugs.add(slug);
      group = { name, slug, entries: [] };
      groups.set(key, group);
    }
    return group;
  };

  /** Each spelling cleaned and set once, with the link its posts show (one TagRef shared by them all: its group, so its folder, is the spelling's). */
  const shownTags = new Map<string, { cleaned: string; name: string; key: string; ref?: TagRef } | null>();
  // Many posts share a day: its local midnight is computed once.
  const midnights = new Map<string, Date>();
  const entries: Entry[] = [];
  const postGroups: TagGroup[] = [];
  // Indexed loops here and in the plan (export/html.ts, store/site-output.ts): run once over
  // 10,000 posts, before the engine optimises them, a for…of costs an iterator step per item.
  for (let p = 0; p < posts.length; p++) {
    const given = posts[p]!;
    const source = isSource(given) ? given : postSource(given);
    const post = source.listing;
    const date = parsePostDate(post.date);
    if (!date) throw new RangeError(`date invalide : ${post.date}`);
    let instant = date.kind === 'calendar' ? midnights.get(post.date) : date.instant;
    if (instant === undefined) {
      instant = source.time !== undefined ? new Date(source.time) : postInstant(date, timeZone);
      midnights.set(post.date, instant);
    }
    postGroups.length = 0;
    const tags: TagRef[] = [];
    for (let t = 0; t < post.tags.length; t++) {
      const raw = post.tags[t]!;
      // 10,000 posts share a few hundred tags: each spelling is cleaned and set once.
      let shown = shownTags.get(raw);
      if (shown === undefined) {
        const cleaned = cleanLine(raw);
        shownTags.set(raw, (shown = cleaned ? { cleaned, name: typeset(cleaned), key: tagKey(cleaned) } : null));
      }
      if (shown === null) continue;
      const { cleaned, name } = shown;
      const group = tagGroup(cleaned, name, shown.key);
      // A post lists a tag once (its first spelling); posts carry a handful of tags.
      if (postGroups.includes(group)) continue;
      postGroups.push(group);
      // The post keeps its own spelling; the link goes to the page of all its spellings.
      tags.push((shown.ref ??= { name, slug: group.slug }));
    }
    const entry = new PostEntry(source, baseUrl, date, instant, tags, siteAuthor, timeZone);
    for (let g = 0; g < postGroups.length; g++) postGroups[g]!.entries.push(entry);
    entries.push(entry);
  }

  const postSlugs = new Set(entries.map((e) => e.slug));
  const aliases: Alias[] = [];
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e]!;
    for (const alias of entry.aliases) {
      if (postSlugs.has(alias)) continue;
      postSlugs.add(alias);
      aliases.push({ slug: alias, entry });
    }
  }

  const tags = [...groups.values()].sort((a, b) => nameCollator.compare(a.name, b.name) || (a.slug < b.slug ? -1 : 1));
  return {
    ...siteModelFields(site, baseUrl),
    entries,
    tags,
    aliases,
    tagOf: (name) => groups.get(tagKey(cleanLine(name))),
  };
}

/** One feed's content: which entries, under which title and URLs. */
export interface FeedView {
  model: ExportModel;
  entries: Entry[];
  title: string;
  description: string;
  /** The HTML page this feed follows. */
  homeUrl: string;
  /** The feed's own URL (RSS `atom:link rel="self"`, Atom `rel="self"`, JSON Feed `feed_url`). */
  selfUrl: string;
  /** Newest change among the entries: the feed's build date, never the clock. */
  updated?: Date;
}

export const FEED_FILES = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } as const;
export type FeedFormat = keyof typeof FEED_FILES;

export function tagPath(tag: TagRef): string {
  return `tag/${tag.slug}/`;
}

/** The whole site's feed, or a tag's when `tag` is given (its URLs are those of the tag page). */
export function feedView(model: ExportModel, format: FeedFormat, options: { limit?: number; tag?: string }): FeedView {
  const limit = options.limit ?? DEFAULT_FEED_LIMIT;
  const group = options.tag === undefined ? undefined : model.tagOf(options.tag);
  const entries = (options.tag !== undefined ? group?.entries ?? [] : model.entries).slice(0, limit);
  let updated: Date | undefined;
  for (const e of entries) if (!updated || e.updated.getTime() > updated.getTime()) updated = e.updated;
  if (options.tag !== undefined) {
    const raw = cleanLine(options.tag) || options.tag;
    const name = group?.name ?? typeset(raw);
    const slug = group?.slug ?? tagSlug(raw);
    const home = `${model.baseUrl}${tagPath({ name, slug })}`;
    return {
      model, entries, updated,
      title: `${model.title} — ${name}`,
      description: `Billets portant l’étiquette «${NNBSP}${name}${NNBSP}»`,
      homeUrl: home,
      selfUrl: `${home}${FEED_FILES[format]}`,
    };
  }
  return {
    model, entries, updated,
    title: model.title,
    description: model.description,
    homeUrl: model.baseUrl,
    selfUrl: `${model.baseUrl}${FEED_FILES[format]}`,
  };
}
