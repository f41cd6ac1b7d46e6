import { hash as oneShotHash } from 'node:crypto';
import type { PostListing } from '../core/post.js';
import { frenchTypography as typeset } from '../core/typography.js';
import { packageVersion } from '../version.js';
import { cleanLine } from './text.js';

/**
 * What a site plan is made from, as keys, without the renderers: an export whose plan key is
 * the last one's loads neither the template engine nor Markdown (they take a third of the time
 * of an export with nothing changed). html.ts builds its plan from the same functions.
 */

/** The settings a renderer reads (a subset of site.json); every field optional but the zone. */
export interface SiteSettings {
  title?: string;
  description?: string;
  language?: string;
  author?: string;
  timeZone: string;
}

export const DEFAULT_FEED_LIMIT = 20;
export const DEFAULT_SITE_TITLE = 'Actualités';

/** Bumped when the plan's keys change meaning. */
const PLAN_FORMAT = 4;

/** A post page's file after its slug: the plan (export/html.ts) writes it, the record's reader (store/site-output.ts) finds it. */
export const POST_PAGE = '/index.html';

/** A digest of strings, for keys: 27 characters of base64url SHA-1 (collisions are out of reach). */
export function digest(...parts: readonly string[]): string {
  // One native call (crypto.hash) on the parts each followed by NUL: a planned site takes 10,000 of these.
  let text = '';
  for (const part of parts) text += `${part}\u0000`;
  return oneShotHash('sha1', text, 'base64url');
}

export function cleanOptional(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cleaned = cleanLine(value);
  return cleaned === '' ? undefined : cleaned;
}

/** A one-line text readers see: cleaned, then set in French typography (SPEC: site and feeds alike). */
export function shownOptional(value: string | undefined): string | undefined {
  const cleaned = cleanOptional(value);
  return cleaned === undefined ? undefined : typeset(cleaned);
}

/** The site-wide fields every page shows. */
export interface SiteFields {
  title: string;
  description: string;
  language: string;
  author?: string;
  timeZone: string;
  baseUrl: string;
}

/** The site-wide fields of the model, as every page shows them. */
export function siteModelFields(site: SiteSettings, baseUrl: string): SiteFields {
  return {
    title: shownOptional(site.title) ?? DEFAULT_SITE_TITLE,
    description: shownOptional(site.description) ?? '',
    language: cleanOptional(site.language) ?? 'fr-FR',
    author: shownOptional(site.author),
    timeZone: site.timeZone,
    baseUrl,
  };
}

/** What a plan is made from besides the posts (the theme and static files by their hashes). */
export interface PlanInputs {
  baseUrl: string;
  /** Theme.hash of the theme in use. */
  themeHash: string;
  staticFiles?: ReadonlyArray<{ path: string; key: string }>;
  /** site.json's `publisher` (JSON-LD), else the site's title. */
  publisher?: string;
  /** Anything else the files are made from that the plan cannot see (preview banners…). */
  inputsKey?: string;
}

/** What every file is made from besides the posts it shows. */
export function siteKeyOf(model: SiteFields, inputs: Omit<PlanInputs, 'baseUrl' | 'staticFiles'>): string {
  return digest(String(PLAN_FORMAT), packageVersion(), process.versions.tz ?? process.versions.icu ?? '',
    JSON.stringify([model.title, model.description, model.language, model.author ?? null, model.timeZone, model.baseUrl, inputs.publisher ?? null]),
    inputs.themeHash, inputs.inputsKey ?? '');
}

/**
 * A key of the whole plan: equal keys give equal plans (the same paths, keys and bytes), so an
 * export whose plan key is the last one's has only to check that the files are still there,
 * without building the plan. The posts as planHtmlSite takes them (chosen, in order).
 */
export function planKeyOf(site: SiteSettings, posts: ReadonlyArray<{ listing: Pick<PostListing, 'slug'>; key: string }>, inputs: PlanInputs): string {
  let text = siteKeyOf(siteModelFields(site, inputs.baseUrl), inputs);
  for (const f of inputs.staticFiles ?? []) text += `\u0000${f.path}\u0001${f.key}`;
  text += '\u0002';
  for (let i = 0; i < posts.length; i++) text += `\u0000${posts[i]!.listing.slug}\u0001${posts[i]!.key}`;
  return oneShotHash('sha1', text, 'base64url');
}
