/**
 * Reader for pages as the old site printed them:
 *
 *   Accéder au contenu principal        navigation line (dropped)
 *   C'est d'actualité…                  section title (dropped)
 *   <title>
 *   <body: paragraphs between blank lines; a short `…?` line right above a paragraph is a sub-heading>
 *   le 29 octobre 2013
 *   (lu 787 fois)
 *   <often the whole body a second time: a flaw of the old CMS>
 *
 * Pure: text in, a post draft or the list of what is missing out.
 */
import { isRealDay, formatIsoDay, MAX_YEAR, MIN_YEAR, type CalendarDay } from '../core/dates.js';
import { foldAccents } from '../core/slug.js';
import { IMPORT_NAMESPACE, uuidV5 } from './id.js';
import type { ImportedPost, MissingPart } from './types.js';
import { blockKey, blocksToMarkdown, normalizeWords, splitBlocks, toLines, type Block } from './text.js';

export type PageResult =
  | { ok: true; post: ImportedPost; warnings: string[]; repeated: 'none' | 'whole' | 'partial' }
  | { ok: false; missing: MissingPart[]; reasons: string[] };

export interface LegacyOptions {
  /** Section titles to drop besides the old site's own (`C'est d'actualité…`), e.g. site.json's title. */
  sectionTitles?: string[];
}

const MONTHS: Record<string, number> = {
  janvier: 1, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6,
  juillet: 7, aout: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12,
};

// `\s` covers U+00A0 and U+202F, which the old site put around numbers.
const DATE_LINE = /^le\s+(\S+)\s+(\S+)\s+(\d{4})(?:\s+(\(?\s*lu\s.*))?$/iu;
const VIEWS_LINE = /^\(?\s*lu\s+(\d[\d\s.]*?)\s+fois\s*\)?$/iu;

/** `29`, `1er` (also `1ᵉʳ`, `01`) → the day number; undefined when it is not one. */
function parseDayToken(token: string): number | undefined {
  const t = token.normalize('NFKC').toLowerCase();
  const match = /^(\d{1,2})(er)?$/.exec(t);
  if (!match) return undefined;
  const day = Number(match[1]);
  if (match[2] && day !== 1) return undefined;
  return day;
}

/** `octobre`, `août`, `aout`, `Décembre` → month number. */
export function parseMonthFr(word: string): number | undefined {
  return MONTHS[foldAccents(word.normalize('NFC')).toLowerCase()];
}

export type DateLine =
  | { ok: true; day: CalendarDay; views?: number }
  | { ok: false; reason: string };

/**
 * `le 29 octobre 2013`, `le 1er août 2014` (and `(lu … fois)` on the same line, as `news show`
 * prints it). undefined when the line is not shaped like a date at all.
 */
export function parseDateLineFr(line: string): DateLine | undefined {
  const match = DATE_LINE.exec(line.trim());
  if (!match) return undefined;
  const [, dayToken, monthWord, yearText, viewsText] = match;
  const day = parseDayToken(dayToken!);
  const month = parseMonthFr(monthWord!);
  const year = Number(yearText);
  const shown = `« ${line.trim()} »`;
  if (day === undefined) return { ok: false, reason: `date illisible ${shown} : jour « ${dayToken} » non reconnu (attendu 1er, 2 … 31)` };
  if (month === undefined) return { ok: false, reason: `date illisible ${shown} : mois « ${monthWord} » inconnu (attendu janvier … décembre)` };
  if (year < MIN_YEAR) return { ok: false, reason: `date impossible ${shown} : année ${yearText} hors des années acceptées (${MIN_YEAR} à ${MAX_YEAR})` };
  if (!isRealDay(year, month, day)) return { ok: false, reason: `date impossible ${shown} : ce jour n’existe pas` };
  let views: number | undefined;
  if (viewsText !== undefined) {
    views = parseViewsLineFr(viewsText);
    if (views === undefined) return undefined;
  }
  return { ok: true, day: { year, month, day }, views };
}

/** `(lu 787 fois)`, `(lu 12 045 fois)` with no separator, a space, U+00A0 or U+202F → the count. */
export function parseViewsLineFr(line: string): number | undefined {
  const match = VIEWS_LINE.exec(line.trim());
  if (!match) return undefined;
  const digits = match[1]!;
  // Either plain digits, or groups of three after the first: `12 045`, `1.234` — never `12 45`.
  if (!/^\d+$/.test(digits) && !/^\d{1,3}(?:[\s.]\d{3})+$/u.test(digits)) return undefined;
  const value = Number(digits.replace(/[^\d]/g, ''));
  return Number.isSafeInteger(value) ? value : undefined;
}

const NAVIGATION_LINE = /^(?:acc[ée]der|aller|passer)\s+(?:directement\s+)?au\s+contenu\b/iu;
const OLD_SECTION_TITLE = "C'est d'actualité…";

function sectionKey(text: string): string {
  return normalizeWords(text).replace(/(?:…|\.\.\.)$/u, '').trim().toLocaleLowerCase('fr-FR');
}

function firstNonBlank(lines: readonly string[], from: number, to = lines.length): number {
  for (let i = from; i < to; i++) if (lines[i]!.trim() !== '') return i;
  return -1;
}

interface Footer {
  dateIndex: number;
  /** Last line of the footer (the views line, or the date line itself). */
  endIndex: number;
  day: CalendarDay;
  views?: number;
}

/** The first date line after the title, preferring one followed by its views line. */
function findFooter(lines: readonly string[], from: number): { footer?: Footer; reason?: string } {
  let firstDate: Footer | undefined;
  let nearMiss: string | undefined;
  for (let i = from; i < lines.length; i++) {
    const parsed = parseDateLineFr(lines[i]!);
    if (!parsed) continue;
    if (!parsed.ok) {
      nearMiss ??= `${parsed.reason} (ligne ${i + 1})`;
      continue;
    }
    if (parsed.views !== undefined) return { footer: { dateIndex: i, endIndex: i, day: parsed.day, views: parsed.views } };
    const next = firstNonBlank(lines, i + 1);
    const views = next >= 0 ? parseViewsLineFr(lines[next]!) : undefined;
    if (views !== undefined) return { footer: { dateIndex: i, endIndex: next, day: parsed.day, views } };
    firstDate ??= { dateIndex: i, endIndex: i, day: parsed.day };
  }
  if (firstDate) return { footer: firstDate };
  return { reason: nearMiss };
}

function commonPrefix(a: readonly Block[], b: readonly Block[]): number {
  let k = 0;
  while (k < a.length && k < b.length && blockKey(a[k]!) === blockKey(b[k]!)) k++;
  return k;
}

/**
 * The id of a legacy page: a UUID v5 of its date, title and words (after the repeated copy is
 * dropped, white space and quote styles folded). Not the views, which grew while the old site
 * counted, nor the bytes, which change with the encoding, the line ends or the flawed copy:
 * the same page saved twice gives the same id, a different post (even on the same day under
 * the same title) a different one.
 */
export function legacyPageId(date: string, title: string, blocks: readonly Block[]): string {
  const words = blocks.map((block) => normalizeWords(block.join(' '))).join('\n');
  return uuidV5(`legacy-page\n${date}\n${normalizeWords(title)}\n${words}`, IMPORT_NAMESPACE);
}

/** Reads one legacy page. */
export function parseLegacyPage(text: string, options: LegacyOptions = {}): PageResult {
  const lines = toLines(text.replace(/^\uFEFF/, ''));
  const warnings: string[] = [];
  const sections = new Set([OLD_SECTION_TITLE, ...(options.sectionTitles ?? [])].map(sectionKey));

  let i = firstNonBlank(lines, 0);
  if (i < 0) return { ok: false, missing: ['titre', 'date', 'texte'], reasons: ['page vide'] };
  if (NAVIGATION_LINE.test(lines[i]!.trim())) i = firstNonBlank(lines, i + 1);
  if (i >= 0 && sections.has(sectionKey(lines[i]!))) i = firstNonBlank(lines, i + 1);

  const missing: MissingPart[] = [];
  const reasons: string[] = [];
  // A title shaped like a date (`Le 1er mai 2015`) is still the title when a footer follows it.
  const looksLikeFooter = i >= 0 && (parseDateLineFr(lines[i]!) !== undefined || parseViewsLineFr(lines[i]!) !== undefined);
  const titleIndex = i >= 0 && (!looksLikeFooter || findFooter(lines, i + 1).footer !== undefined) ? i : -1;
  if (titleIndex < 0) {
    missing.push('titre');
    reasons.push('titre absent (attendu sur la ligne après « C’est d’actualité… »)');
  }
  const searchFrom = titleIndex >= 0 ? titleIndex + 1 : Math.max(i, 0);
  const { footer, reason } = findFooter(lines, searchFrom);
  if (!footer) {
    missing.push('date');
    reasons.push(reason ?? 'date absente (attendu une ligne « le 29 octobre 2013 » après le texte)');
  }
  if (!footer || titleIndex < 0) return { ok: false, missing, reasons };

  const body = splitBlocks(lines.slice(titleIndex + 1, footer.dateIndex));
  const tail = splitBlocks(lines.slice(footer.endIndex + 1));
  let blocks: Block[];
  let repeated: 'none' | 'whole' | 'partial' = 'none';
  const shared = commonPrefix(body, tail);
  if (tail.length === 0) {
    blocks = body;
  } else if (body.length === 0) {
    blocks = tail;
    warnings.push('le texte ne figure qu’après la date : il est repris de là');
  } else if (shared === tail.length) {
    blocks = body;
    repeated = shared === body.length ? 'whole' : 'partial';
    if (repeated === 'partial') warnings.push(`la copie après la date ne reprend que ${shared} paragraphe(s) sur ${body.length} : elle est écartée`);
  } else if (shared === body.length) {
    blocks = [...body, ...tail.slice(shared)];
    repeated = 'partial';
    warnings.push(`la copie après la date a ${tail.length - shared} paragraphe(s) de plus que le texte : ils sont gardés à la suite`);
  } else {
    blocks = [...body, ...tail];
    warnings.push(`le texte après la date diffère du texte (paragraphe ${shared + 1}) : il est gardé à la suite, voir news dedupe`);
  }
  if (blocks.length === 0) return { ok: false, missing: ['texte'], reasons: ['texte absent (aucun paragraphe entre le titre et la date)'] };

  if (footer.views === undefined) warnings.push('nombre de lectures absent (attendu « (lu 787 fois) » sous la date) : 0 retenu');
  const title = lines[titleIndex]!.trim();
  const date = formatIsoDay(footer.day);
  return {
    ok: true,
    repeated,
    warnings,
    post: {
      id: legacyPageId(date, title, blocks),
      title,
      date,
      body: blocksToMarkdown(blocks),
      views: footer.views ?? 0,
      tags: [],
    },
  };
}
