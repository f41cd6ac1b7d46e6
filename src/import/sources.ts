import fs from 'node:fs';
import path from 'node:path';
import type { Site } from '../core/site.js';
import { readInputBytes, ReadProblem } from '../store/read.js';
import { declaredXmlEncoding, decodeText, encodingLabel } from './encoding.js';
import { parseFeed, sniffFeedFormat, FEED_FORMATS, FEED_NAMES } from './feeds.js';
import { parseLegacyPage } from './legacy.js';
import type { ImportedPost, MissingPart } from './types.js';

/** What `news import` reads: pages of the old site, or a feed. */
export const IMPORT_SOURCES = ['legacy', ...FEED_FORMATS] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

/** Files a folder contributes, by source. A file named on the command line is read whatever its name. */
const EXTENSIONS: Record<ImportSource, string[]> = {
  legacy: ['.txt'],
  rss: ['.xml', '.rss'],
  atom: ['.xml', '.atom'],
  json: ['.json'],
};
const MAX_PAGE_BYTES = 1024 * 1024;
const MAX_FEED_BYTES = 32 * 1024 * 1024;

/** A page or feed item understood, waiting to be written. */
export interface ImportCandidate {
  /** The file as the user named it (relative to where they stand when below). */
  source: string;
  /** The feed item's label. */
  item?: string;
  /** The encoding the file was converted from, when not UTF-8. */
  encoding?: string;
  imported: ImportedPost;
}

/** A file or a feed item that could not be imported, and why. */
export interface ImportProblem {
  source: string;
  item?: string;
  missing: MissingPart[];
  reasons: string[];
}

/** The files to read, in a stable order, each once; what cannot be found is a problem, not a stop. */
export function collectImportFiles(paths: readonly string[], from: ImportSource, cwd: string): { files: string[]; problems: ImportProblem[]; notes: string[] } {
  const files: string[] = [];
  const problems: ImportProblem[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) files.push(file);
    seen.add(file);
  };
  const extensions = EXTENSIONS[from];
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      problems.push({ source: given, missing: [], reasons: ['fichier ou dossier introuvable : vérifiez le chemin'] });
      continue;
    }
    if (stat.isFile()) {
      add(full);
      continue;
    }
    if (!stat.isDirectory()) {
      problems.push({ source: given, missing: [], reasons: ['ni un fichier ni un dossier'] });
      continue;
    }
    let ignored = 0;
    const before = files.length;
    const walk = (dir: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const file = path.join(dir, entry.name);
        // Linked folders are not followed (no loops); linked files are read.
        const isFile = entry.isFile() || (entry.isSymbolicLink() && fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true);
        if (entry.isDirectory()) walk(file);
        else if (isFile && extensions.includes(path.extname(entry.name).toLowerCase())) add(file);
        else ignored++;
      }
    };
    walk(full);
    if (files.length === before) {
      problems.push({ source: given, missing: [], reasons: [`aucun fichier ${extensions.join(' ou ')} dans ce dossier${from === 'legacy' ? ' (pour un flux, précisez --from rss, atom ou json)' : ''}`] });
    } else if (ignored > 0) {
      notes.push(`${given} : ${ignored} fichier(s) ignoré(s) (extension autre que ${extensions.join(', ')})`);
    }
  }
  return { files, problems, notes };
}

/** Reads one file into candidates and problems; warnings (encoding, feed items) go to `warn`. */
export function readImportSource(file: string, source: string, from: ImportSource, site: Site, warn: (line: string) => void): { candidates: ImportCandidate[]; problems: ImportProblem[] } {
  let bytes: Buffer;
  try {
    bytes = readInputBytes(file, from === 'legacy' ? MAX_PAGE_BYTES : MAX_FEED_BYTES);
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error;
    return { candidates: [], problems: [{ source, missing: [], reasons: [error.message] }] };
  }
  const decoded = decodeText(bytes, from === 'rss' || from === 'atom' ? declaredXmlEncoding(bytes) : undefined);
  if (!decoded.ok) return { candidates: [], problems: [{ source, missing: [], reasons: [decoded.reason] }] };
  for (const warning of decoded.warnings) warn(`${source} : ${warning}`);
  const encoding = decoded.encoding === 'utf-8' || !bytes.some((b) => b >= 0x80) ? undefined : encodingLabel(decoded.encoding);
  if (encoding) warn(`${source} : converti depuis ${encoding} (vérifiez les accents du billet créé)`);

  if (from === 'legacy') {
    const sniffed = sniffFeedFormat(decoded.text);
    if (sniffed) {
      return { candidates: [], problems: [{ source, missing: [], reasons: [`ce fichier est un flux ${FEED_NAMES[sniffed]}, pas une page de l’ancien site : relancez avec --from ${sniffed}`] }] };
    }
    if (/^\s*<(?:!doctype\s+html|html)[\s>]/i.test(decoded.text)) {
      return { candidates: [], problems: [{ source, missing: [], reasons: ["page HTML : enregistrez la page en texte (.txt) depuis le navigateur, puis importez ce fichier"] }] };
    }
    const page = parseLegacyPage(decoded.text, { sectionTitles: site.title ? [site.title] : [] });
    if (!page.ok) return { candidates: [], problems: [{ source, missing: page.missing, reasons: page.reasons }] };
    for (const warning of page.warnings) warn(`${source} : ${warning}`);
    // The old site's posts are the organisation's own: they get the site's author, as `news new` does.
    const imported = site.author ? { ...page.post, author: site.author } : page.post;
    return { candidates: [{ source, encoding, imported }], problems: [] };
  }

  const feed = parseFeed(decoded.text, from);
  if (!feed.ok) return { candidates: [], problems: [{ source, missing: [], reasons: [feed.reason] }] };
  if (feed.items.length === 0) warn(`${source} : le flux ne contient aucun élément`);
  const candidates: ImportCandidate[] = [];
  const problems: ImportProblem[] = [];
  for (const { label, result } of feed.items) {
    if (!result.ok) {
      problems.push({ source, item: label, missing: result.missing, reasons: result.reasons });
      continue;
    }
    for (const warning of result.warnings) warn(`${source} (${label}) : ${warning}`);
    candidates.push({ source, item: label, encoding, imported: result.post });
  }
  return { candidates, problems };
}

