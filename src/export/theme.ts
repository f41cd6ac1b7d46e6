import fs from 'node:fs';
import path from 'node:path';
import { Liquid, LiquidError, type Template } from 'liquidjs';
import { NewsError } from '../core/errors.js';
import { DEFAULT_THEME_DIR, listFolderFiles, TEMPLATE_EXT, THEME_DIR, themeFiles, themeHashOf, type ThemeFile } from './theme-files.js';

export { DEFAULT_THEME_DIR, listFolderFiles, listStaticFiles, STATIC_DIR, TEMPLATE_EXT, THEME_DIR, themeFiles, themeHashOf, type StaticFile, type ThemeFile } from './theme-files.js';

/**
 * The site's theme: Liquid templates (LiquidJS) and the files copied beside the pages
 * (style.css, favicon.svg…). The default theme ships in the package's `theme/` folder; a
 * file of the same name in `<content>/theme/` replaces it, file by file. Both go through
 * this one loader.
 *
 * Templates are read into memory once and handed to LiquidJS as its only file system
 * (`templates`): an include or a layout can name only another file of the theme, never a
 * file outside it (`../../etc/passwd` is simply not found). Each template is parsed once;
 * output is escaped unless a template writes `| raw`; an unknown filter is an error.
 */



/** The templates a page is rendered from (their includes and layouts are found by name). */
export const PAGE_TEMPLATES = ['index', 'post', 'tag', 'tags', 'alias', '404'] as const;
export type PageTemplate = (typeof PAGE_TEMPLATES)[number];

export interface Theme {
  /** A hash of every file in use (name and bytes): every page depends on it. */
  hash: string;
  /** Every file in use, by name. */
  files: ThemeFile[];
  /** The files that are not templates, copied as they are to the site's root. */
  assets: ThemeFile[];
  /** Renders a page template with a plain data object; a template error is a NewsError naming file and line. */
  render(template: PageTemplate, data: object): string;
}

const FRENCH_REASONS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^undefined filter: (.+)$/, (f) => `filtre inconnu « ${f} » (voir la liste des filtres de LiquidJS ou docs/theme.md)`],
  [/^ENOENT: Failed to lookup "([^"]*)"/, (f) => `modèle inclus introuvable « ${f} » : il doit être un fichier du thème (ex. "partials/header")`],
  [/^tag (.+) not closed$/, (t) => `balise ${t} jamais fermée`],
  [/^tag "?([^"]+)"? not found$/, (t) => `balise inconnue « ${t} »`],
  [/^output (.+) not closed$/, (o) => `sortie ${o} jamais fermée (il manque « }} »)`],
  [/^undefined variable: (.+)$/, (v) => `variable inconnue « ${v} » (voir les variables de chaque modèle dans docs/theme.md)`],
  [/^unexpected token at "(.*)", expected (.+)$/s, (at, want) => `syntaxe invalide à « ${at} » (attendu : ${want})`],
];

function frenchReason(message: string): string {
  for (const [pattern, say] of FRENCH_REASONS) {
    const m = pattern.exec(message);
    if (m) return say(...m.slice(1));
  }
  return `erreur de modèle (${message})`;
}

/** A LiquidJS error as the user must read it: which file, which line, why, in French. */
function templateError(error: unknown, files: Map<string, ThemeFile>, templates: Record<string, string>, current: string): NewsError {
  if (!(error instanceof LiquidError)) throw error;
  const token = (error as LiquidError & { token?: { file?: string; input?: string; getPosition?: () => number[] } }).token;
  // Some render errors (an unknown variable) do not name their file: their source text does.
  const name = token?.file ?? Object.keys(templates).find((n) => templates[n] === token?.input) ?? current;
  const file = files.get(name)?.file ?? name;
  const line = token?.getPosition?.()[0];
  const original = ((error as { originalError?: Error }).originalError?.message ?? error.message).replace(/, file:.*$/s, '').replace(/, line:\d+, col:\d+$/, '');
  const where = line === undefined ? file : `${file}, ligne ${line}`;
  return new NewsError(
    `modèle ${where} : ${frenchReason(original)}. Corrigez ce fichier, ou supprimez-le pour revenir au modèle par défaut ; l’export est annulé, le site n’a pas changé`,
    2,
    { code: 'INVALID_CONTENT', cause: error },
  );
}

/** Loads the theme in use for a content folder (or the default alone): every template parsed once, now. */
export function loadTheme(contentDir: string | undefined): Theme {
  const files = themeFiles(contentDir);
  const byName = new Map(files.map((f) => [f.name, f]));
  const templates: Record<string, string> = {};
  for (const f of files) if (f.name.endsWith(TEMPLATE_EXT)) templates[f.name] = f.bytes.toString('utf8');
  const liquid = new Liquid({
    templates,
    extname: TEMPLATE_EXT,
    cache: true,
    outputEscape: 'escape',
    strictFilters: true,
    strictVariables: true,
    lenientIf: true,
    ownPropertyOnly: true,
    relativeReference: false,
  });
  // Every template is parsed now, used or not: a syntax error anywhere fails before any page is made.
  const parsed = new Map<string, Template[]>();
  for (const name of Object.keys(templates)) {
    try {
      parsed.set(name, liquid.parse(templates[name]!, name));
    } catch (error) {
      throw templateError(error, byName, templates, name);
    }
  }
  for (const page of PAGE_TEMPLATES) {
    if (!parsed.has(page + TEMPLATE_EXT)) throw new NewsError(`le thème n’a pas de modèle ${page}${TEMPLATE_EXT} (${DEFAULT_THEME_DIR} est incomplet : réinstallez news)`, 2, { code: 'INVALID_CONTENT' });
  }
  return {
    hash: themeHashOf(files),
    files,
    assets: files.filter((f) => !f.name.endsWith(TEMPLATE_EXT)),
    render(template, data) {
      const name = template + TEMPLATE_EXT;
      try {
        return liquid.renderSync(parsed.get(name)!, data) as string;
      } catch (error) {
        throw templateError(error, byName, templates, name);
      }
    },
  };
}

let shipped: Theme | undefined;

/** The default theme alone (a library caller that passes no theme gets it), loaded once. */
export function defaultTheme(): Theme {
  return (shipped ??= loadTheme(undefined));
}

/**
 * `news theme init`: copies the default theme into `<content>/theme/`, never over a file that
 * is there (a theme being edited is kept). `create` must refuse an existing name with EEXIST
 * (store/atomic's createFileExclusive). Returns the names copied and the names kept.
 */
export function copyDefaultTheme(contentDir: string, create: (file: string, bytes: Buffer) => void): { dir: string; copied: string[]; kept: string[] } {
  const dir = path.join(contentDir, THEME_DIR);
  const copied: string[] = [];
  const kept: string[] = [];
  for (const { name, file } of listFolderFiles(DEFAULT_THEME_DIR, 'le thème par défaut')) {
    const dest = path.join(dir, ...name.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try {
      create(dest, fs.readFileSync(file));
      copied.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(name);
    }
  }
  return { dir, copied, kept };
}
