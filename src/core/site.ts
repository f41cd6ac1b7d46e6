import { zod } from './zod.js';
import { isValidTimeZone } from './dates.js';

/*
 * Rules on site settings shared by every reader of site.json (`validate`, `list`, the exports…):
 * one definition, so `validate` never accepts what an export then refuses.
 */

/** site.json: every field optional; timeZone defaults to Europe/Paris when it is loaded. */
export interface Site {
  $schema?: string;
  title?: string;
  description?: string;
  baseUrl?: string;
  language?: string;
  timeZone: string;
  author?: string;
  [key: string]: unknown;
}

/**
 * The zod schema of site.json, also written as schemas/site.schema.json at build time. The
 * time zone's name is checked by a refine (the list of zones is the ICU data's, not a
 * pattern): the JSON Schema only says it is a string.
 */
export function siteSchema() {
  const { z } = zod();
  return z.looseObject({
    $schema: z.string().optional().describe('Adresse du schéma JSON, pour les éditeurs ; ignorée par news.'),
    title: z.string().optional().describe('Titre du site (ex. « C’est d’actualité… »).'),
    description: z.string().optional().describe('Description du site, reprise par les flux et les pages.'),
    // One rule for validate and the exports: an absolute http(s) address (z.url alone takes `javascript:`).
    baseUrl: z.url({ message: BASE_URL_REASON }).refine((v) => normalizeBaseUrl(v) !== undefined, { message: BASE_URL_REASON }).optional()
      .describe('Adresse publique du site, ex. https://exemple.fr/actualites/'),
    language: z.string().optional().describe('Langue, ex. fr-FR.'),
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'fuseau horaire inconnu (ex. Europe/Paris)' })
      .optional()
      .describe('Fuseau horaire IANA du site, ex. Europe/Paris (par défaut).'),
    author: z.string().optional().describe('Auteur par défaut des nouveaux billets.'),
  });
}

/** True only when siteSchema would surely accept it; anything doubtful goes to zod for the message. */
export function isSoundSite(value: unknown): value is Omit<Site, 'timeZone'> & { timeZone?: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const optionalText = (x: unknown) => x === undefined || typeof x === 'string';
  return (
    optionalText(v.$schema) &&
    optionalText(v.title) && optionalText(v.description) && optionalText(v.language) && optionalText(v.author) &&
    (v.baseUrl === undefined || (typeof v.baseUrl === 'string' && normalizeBaseUrl(v.baseUrl) !== undefined)) &&
    (v.timeZone === undefined || (typeof v.timeZone === 'string' && isValidTimeZone(v.timeZone)))
  );
}


/** `https://x.fr/actualites` → `https://x.fr/actualites/`; undefined when not an absolute http(s) URL. */
export function normalizeBaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname) return undefined;
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Why a baseUrl is refused (French), for site.json and --base-url alike. */
export const BASE_URL_REASON = 'doit être une adresse http(s) absolue (ex. https://exemple.fr/actualites/)';
