import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import type { RuntimeOptions, TemplateDelegate } from 'handlebars';
import { NewsError } from '../core/errors.js';
import { packageVersion } from '../version.js';
import { digest } from './plan-key.js';
import { DEFAULT_THEME_DIR, listFolderFiles, TEMPLATE_EXT, THEME_DIR, themeFiles, themeHashOf, type ThemeFile } from './theme-files.js';

const require = createRequire(import.meta.url);
/**
 * Handlebars' single-file builds (the same code as its lib/ folder, bundled), required: 15 ms to
 * load, against 40 ms through its ES module entry. Pages are rendered by its runtime alone (6 ms);
 * the compiler is loaded only to compile templates that the template cache does not hold.
 */
type HandlebarsRuntime = Pick<typeof HandlebarsModule, 'create' | 'VERSION'>;
let runtime: HandlebarsRuntime | undefined;
function handlebarsRuntime(): HandlebarsRuntime {
  return (runtime ??= require('handlebars/dist/handlebars.runtime.js') as HandlebarsRuntime);
}


/**
 * The site's theme: Handlebars templates and the files copied beside the pages (style.css,
 * favicon.svg…). The default theme ships in the package's `theme/` folder; a file of the same
 * name in `<content>/theme/` replaces it, file by file. Both go through this one loader.
 *
 * Handlebars compiles each template once to a JavaScript function (LiquidJS, used before,
 * interpreted every page through generators: 10 to 15 times slower on 10,000 posts). A template
 * cannot run code: it prints values (escaped unless written `{{{triple}}}`), and calls only
 * Handlebars's block helpers and the few helpers below; prototype properties are out of its
 * reach (Handlebars's own rule). Every template is read into memory and is the only thing an
 * include (a partial) can name: a template cannot read a file outside the theme. Each is
 * checked when loaded (syntax, helpers, partials), and an unknown variable fails the render.
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

/** What a template may call besides printing values: Handlebars's own block helpers and these few. */
const HELPERS = {
  eq: (a: unknown, b: unknown) => a === b,
  and: (a: unknown, b: unknown) => Boolean(a) && Boolean(b),
  or: (a: unknown, b: unknown) => a || b,
} as const;
const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];
const KNOWN_HELPERS = [...BUILTIN_HELPERS, ...Object.keys(HELPERS)];
// Frozen: Handlebars sets options of its own on the object it is given (precompile gets a copy).
const COMPILE_OPTIONS: Readonly<CompileOptions> = Object.freeze({
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true])) as CompileOptions['knownHelpers'],
  preventIndent: true,
});

/**
 * A printed value is escaped as the pages have always been (LiquidJS's escape: `&<>"'`, `"` as
 * `&#34;`, `'` as `&#39;`), not with Handlebars's own set (which also writes `=` and backquotes as
 * entities, and counts differently in a `<title>` cut to 70 characters). Handlebars lets an
 * environment replace its JavaScript compiler; this one changes only the code it writes for an
 * escaped value: a call to this function (a constant of ours, the same for every template).
 */
const ESCAPE_SOURCE = `(function (v) { if (typeof v !== 'string') { if (v == null) return ''; v = '' + v; }
  return /[&<>"']/.test(v) ? v.replace(/[&<>"']/g, function (c) { return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&#34;' : '&#39;'; }) : v; })`;

interface JavaScriptCompilerLike {
  pushSource(source: unknown): void;
  appendToBuffer(parts: unknown[]): unknown;
  aliasable(name: string): unknown;
  popStack(): unknown;
}
type CompilerClass = new () => JavaScriptCompilerLike;
let compilerEnv: typeof HandlebarsModule | undefined;
/** A Handlebars environment that parses and compiles templates to source, with our escaping (loaded on first use). */
function handlebarsCompiler(): typeof HandlebarsModule {
  if (compilerEnv !== undefined) return compilerEnv;
  const Handlebars = require('handlebars/dist/handlebars.js') as typeof HandlebarsModule;
  const BaseCompiler = (Handlebars as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler;
  class EscapingCompiler extends BaseCompiler {
    appendEscaped(): void {
      this.pushSource(this.appendToBuffer([this.aliasable(ESCAPE_SOURCE), '(', this.popStack(), ')']));
    }
  }
  // Nested blocks are compiled by `new this.compiler()`: ours too.
  (EscapingCompiler.prototype as unknown as { compiler: CompilerClass }).compiler = EscapingCompiler;
  const env = Handlebars.create();
  (env as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler = EscapingCompiler;
  return (compilerEnv = env);
}

/** A problem found in a template before anything is rendered: its line and why, in French. */
interface TemplateProblem {
  line?: number;
  reason: string;
}

function helperName(path: hbs.AST.PathExpression | hbs.AST.Literal): string | undefined {
  return path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : undefined;
}

/**
 * Walks a parsed template: every helper it calls must exist, every partial it includes must be
 * a template of the theme named as written (no computed names), no decorators. Also notes
 * where each variable is read (line:column → path), to name an unknown variable in full.
 */
function checkTemplate(program: hbs.AST.Program, partials: ReadonlySet<string>, paths: Map<string, string>): TemplateProblem | undefined {
  let problem: TemplateProblem | undefined;
  const at = (node: hbs.AST.Node) => node.loc?.start.line;
  const fail = (node: hbs.AST.Node, reason: string) => {
    problem ??= { line: at(node), reason };
  };
  const helper = (node: hbs.AST.Node, name: string | undefined) => {
    if (name !== undefined && !KNOWN_HELPERS.includes(name)) {
      fail(node, `assistant inconnu « ${name} » (disponibles : ${KNOWN_HELPERS.join(', ')} ; voir docs/theme.md)`);
    }
  };
  const expression = (node: hbs.AST.Expression | undefined) => {
    if (!node) return;
    if (node.type === 'PathExpression') {
      const p = node as hbs.AST.PathExpression;
      paths.set(`${p.loc.start.line}:${p.loc.start.column}`, p.original);
    } else if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      helper(sub, helperName(sub.path) ?? '?');
      call(sub);
    }
  };
  const call = (node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }) => {
    for (const param of node.params) expression(param);
    for (const pair of node.hash?.pairs ?? []) expression(pair.value);
  };
  const partial = (node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement) => {
    const target = node.name as hbs.AST.Node;
    const name = target.type === 'PathExpression' ? (target as hbs.AST.PathExpression).original
      : target.type === 'StringLiteral' ? (target as hbs.AST.StringLiteral).value : undefined;
    if (name === undefined) fail(node, 'un nom de modèle inclus ne peut pas être calculé : écrivez le nom d’un fichier du thème (ex. {{> partials/header}})');
    else if (name !== '@partial-block' && !partials.has(name)) fail(node, `modèle inclus introuvable « ${name} » : il doit être un fichier du thème, nommé sans .hbs (ex. partials/header)`);
    call(node);
  };
  const walk = (body: hbs.AST.Statement[]) => {
    for (const node of body) {
      switch (node.type) {
        case 'MustacheStatement': {
          const m = node as hbs.AST.MustacheStatement;
          if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0) helper(m, helperName(m.path) ?? '?');
          expression(m.path as hbs.AST.Expression);
          call(m);
          break;
        }
        case 'BlockStatement': {
          const b = node as hbs.AST.BlockStatement;
          if (b.params.length > 0 || (b.hash?.pairs.length ?? 0) > 0) helper(b, helperName(b.path));
          else expression(b.path);
          call(b);
          walk(b.program?.body ?? []);
          walk(b.inverse?.body ?? []);
          break;
        }
        case 'PartialStatement':
          partial(node as hbs.AST.PartialStatement);
          break;
        case 'PartialBlockStatement':
          partial(node as hbs.AST.PartialBlockStatement);
          walk((node as hbs.AST.PartialBlockStatement).program.body);
          break;
        case 'Decorator':
        case 'DecoratorBlock':
          fail(node, 'les décorateurs ({{* …}}) ne sont pas pris en charge');
          break;
        default:
          break;
      }
    }
  };
  walk(program.body);
  return problem;
}

/** A Handlebars parse error in French, with its line. */
function parseProblem(error: Error): TemplateProblem {
  const message = error.message;
  const parse = /^Parse error on line (\d+):\n(.*)\n-*\^\n(.*)$/s.exec(message);
  if (parse) {
    const [, line, excerpt, expected] = parse;
    const reason = /got 'EOF'$/.test(expected!) ? 'fin du fichier dans un bloc ouvert (il manque sa fermeture {{/…}})' : `syntaxe invalide près de « ${excerpt!.trim()} »`;
    return { line: Number(line), reason };
  }
  const mismatch = /^(.+) doesn't match (.+) - (\d+):\d+$/.exec(message);
  if (mismatch) return { line: Number(mismatch[3]), reason: `le bloc « ${mismatch[1]} » ouvert à cette ligne est fermé par {{/${mismatch[2]}}}` };
  return genericProblem(error, message);
}

/** Any other Handlebars error: its own words (without the ` - line:column` it ends with), at its line when it says. */
function genericProblem(error: unknown, message: string): TemplateProblem {
  const line = (error as { lineNumber?: unknown } | null)?.lineNumber;
  return { line: typeof line === 'number' ? line : undefined, reason: `erreur de modèle (${message.replace(/ - \d+:\d+$/, '')})` };
}

function templateError(file: string, problem: TemplateProblem, cause?: unknown): NewsError {
  const where = problem.line === undefined ? file : `${file}, ligne ${problem.line}`;
  return new NewsError(
    `modèle ${where} : ${problem.reason}. Corrigez ce fichier, ou supprimez-le pour revenir au modèle par défaut ; l’export est annulé, le site n’a pas changé`,
    2,
    { code: 'INVALID_CONTENT', ...(cause === undefined ? {} : { cause }) },
  );
}

/** The templates an error went through, innermost first (each partial adds its name on the way out). */
const TRAIL = Symbol('templates');

/** A theme's templates compiled to source: what the template cache keeps (store/template-cache.ts). */
export interface CompiledTemplates {
  /** templatesKey: the templates' names and bytes, this news and Handlebars, the compile options. */
  key: string;
  templates: CompiledTemplate[];
}

export interface CompiledTemplate {
  name: string;
  /** Handlebars' precompiled template: the source of an object of functions. */
  spec: string;
  /** Where the template reads each variable (line:column → path), to name an unknown one in full. */
  paths: Array<[spot: string, path: string]>;
}

/** Where compiled templates are kept between two runs (a cache: load gives undefined when it has nothing usable). */
export interface TemplateCache {
  load(key: string): CompiledTemplates | undefined;
  save(compiled: CompiledTemplates): void;
}

/** Bumped whenever what is compiled, or how, changes in a way the other parts of the key do not show. */
const COMPILE_FORMAT = 1;

/** What compiled templates depend on: every template's name and bytes, and how they are compiled. */
function templatesKey(templates: readonly ThemeFile[]): string {
  const parts = [String(COMPILE_FORMAT), packageVersion(), handlebarsRuntime().VERSION, JSON.stringify(COMPILE_OPTIONS), ESCAPE_SOURCE];
  for (const f of templates) parts.push(f.name, f.bytes.toString('base64'));
  return digest(...parts);
}

/** Whether a cache's answer is compiled templates for exactly these names (anything else is not used). */
function fitsTemplates(compiled: CompiledTemplates | undefined, key: string, names: readonly string[]): compiled is CompiledTemplates {
  if (compiled === undefined || compiled === null || compiled.key !== key || !Array.isArray(compiled.templates) || compiled.templates.length !== names.length) return false;
  return compiled.templates.every((t, i) => t !== null && typeof t === 'object' && t.name === names[i] && typeof t.spec === 'string' &&
    Array.isArray(t.paths) && t.paths.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string'));
}

/** Parses, checks and compiles each template to source; a problem is a NewsError naming the file and line. */
function compileTemplates(templates: readonly ThemeFile[], key: string): CompiledTemplates {
  const hb = handlebarsCompiler();
  const names = new Set(templates.map((f) => f.name.slice(0, -TEMPLATE_EXT.length)));
  const compiled: CompiledTemplate[] = [];
  for (const f of templates) {
    const source = f.bytes.toString('utf8');
    let ast: hbs.AST.Program;
    try {
      // Parsed once: precompile() takes this tree (and strips its white space, as parse() would).
      ast = hb.parseWithoutProcessing(source);
    } catch (error) {
      throw templateError(f.file, parseProblem(error as Error), error);
    }
    const paths = new Map<string, string>();
    const problem = checkTemplate(ast, names, paths);
    if (problem) throw templateError(f.file, problem);
    let spec: string;
    try {
      // A copy: precompile() sets options of its own on the object it is given.
      spec = hb.precompile(ast, { ...COMPILE_OPTIONS }) as string;
    } catch (error) {
      throw templateError(f.file, genericProblem(error, error instanceof Error ? error.message : String(error)), error);
    }
    compiled.push({ name: f.name.slice(0, -TEMPLATE_EXT.length), spec, paths: [...paths] });
  }
  return { key, templates: compiled };
}

/**
 * Loads the theme in use for a content folder (or the default alone): every template parsed,
 * checked and compiled now, unless `cache` holds this very theme compiled (then neither the
 * templates nor Handlebars' compiler are even looked at). `files`: the theme's files when the
 * caller has already read them (to hash them).
 */
export function loadTheme(contentDir: string | undefined, files: ThemeFile[] = themeFiles(contentDir), cache?: TemplateCache): Theme {
  const stale = files.find((f) => f.overridden && f.name.endsWith('.liquid'));
  if (stale) {
    throw new NewsError(`${stale.file} est un modèle Liquid : les modèles du thème sont des fichiers Handlebars (${TEMPLATE_EXT}). Lancez « news theme init » dans un autre dossier pour voir les modèles actuels et reportez-y vos changements, puis supprimez ce fichier`, 2, { code: 'INVALID_CONTENT' });
  }
  const templates = files.filter((f) => f.name.endsWith(TEMPLATE_EXT));
  const key = templatesKey(templates);
  const names = templates.map((f) => f.name.slice(0, -TEMPLATE_EXT.length));
  let cached: CompiledTemplates | undefined;
  try {
    cached = cache?.load(key);
  } catch {
    cached = undefined;
  }
  const compiled = fitsTemplates(cached, key, names) ? cached : compileTemplates(templates, key);
  if (compiled !== cached) {
    try {
      cache?.save(compiled);
    } catch {
      // Only a shortcut for the next run.
    }
  }
  // One Handlebars environment per theme: its partials and helpers are this theme's only.
  const hb = handlebarsRuntime().create();
  for (const name of Object.keys(hb.helpers)) if (!BUILTIN_HELPERS.includes(name) && name !== 'helperMissing' && name !== 'blockHelperMissing') hb.unregisterHelper(name);
  hb.registerHelper(HELPERS);
  const byName = new Map<string, { file: string; paths: Map<string, string>; render: TemplateDelegate }>();
  for (let i = 0; i < templates.length; i++) {
    const { name, spec, paths } = compiled.templates[i]!;
    // Handlebars' own way to load a precompiled template (its documentation: template(eval(spec))).
    const render = hb.template(new Function(`return ${spec};`)() as TemplateSpecification);
    byName.set(name, { file: templates[i]!.file, paths: new Map(paths), render });
    hb.registerPartial(name, (context: unknown, options?: RuntimeOptions) => {
      try {
        return render(context, options);
      } catch (error) {
        if (error !== null && typeof error === 'object') ((error as { [TRAIL]?: string[] })[TRAIL] ??= []).push(name);
        throw error;
      }
    });
  }
  for (const page of PAGE_TEMPLATES) {
    if (!byName.has(page)) throw new NewsError(`le thème n’a pas de modèle ${page}${TEMPLATE_EXT} (${DEFAULT_THEME_DIR} est incomplet : réinstallez news)`, 2, { code: 'INVALID_CONTENT' });
  }
  /** A render error as the user must read it: which file, which line, why, in French. */
  const renderError = (error: unknown, page: string): NewsError => {
    if (error instanceof NewsError) return error;
    const trail = [...((error as { [TRAIL]?: string[] })?.[TRAIL] ?? []), page];
    const message = error instanceof Error ? error.message : String(error);
    const missing = /^"(.*)" not defined in .* - (\d+):(\d+)$/s.exec(message);
    if (missing) {
      // The variable is in the innermost template that reads a path at that place (a layout's
      // block content is the page's own text, though the layout renders it).
      const spot = `${missing[2]}:${missing[3]}`;
      const owner = trail.find((n) => byName.get(n)!.paths.has(spot)) ?? trail[0]!;
      const { file, paths } = byName.get(owner)!;
      const variable = paths.get(spot) ?? missing[1]!;
      return templateError(file, { line: Number(missing[2]), reason: `variable inconnue « ${variable} » (voir les variables de chaque modèle dans docs/theme.md)` }, error);
    }
    if (error instanceof RangeError && /call stack/.test(message)) {
      return templateError(byName.get(trail[0]!)!.file, { reason: 'inclusion sans fin : ce modèle s’inclut lui-même, directement ou par un autre' }, error);
    }
    return templateError(byName.get(trail[0]!)!.file, genericProblem(error, message), error);
  };
  return {
    hash: themeHashOf(files),
    files,
    assets: files.filter((f) => !f.name.endsWith(TEMPLATE_EXT)),
    render(template, data) {
      try {
        return byName.get(template)!.render(data);
      } catch (error) {
        throw renderError(error, template);
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
