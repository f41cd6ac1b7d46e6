import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Help, type Command } from 'commander';
import { buildFullProgram } from '../../src/cli/program.js';
import { ROOT, runNewsSync } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

/*
 * The words of the tool, read from the program itself so a command added tomorrow is
 * covered: every command's --help (through the built binary too), every option's flags, and
 * every string literal of src/ (messages, errors, prompts).
 *   - one apostrophe in French text: ’ (U+2019), never the typewriter ' between letters;
 *   - a short flag means one thing everywhere (`-n` is not --limit here and --dry-run there);
 *   - placeholders in French (`<exécution>`, not `<run-id>`);
 *   - decimals with a comma in the examples (`0,9`).
 */

interface Described {
  path: string;
  command: Command;
  help: string;
}

async function everyCommand(): Promise<Described[]> {
  const ctx = testContext();
  const program = await buildFullProgram(ctx);
  const found: Described[] = [];
  const helper = new Help();
  const walk = (command: Command, name: string) => {
    const before = ctx.out().length;
    command.outputHelp();
    found.push({ path: name, command, help: ctx.out().slice(before) });
    for (const sub of helper.visibleCommands(command)) {
      if (sub.name() === 'help' && sub.commands.length === 0) continue;
      walk(sub, `${name} ${sub.name()}`);
    }
  };
  walk(program, 'news');
  return found;
}

const TYPEWRITER_ELISION = /\p{L}'\p{L}/u;

test('the program has its commands (the walk is real)', async () => {
  const names = (await everyCommand()).map((c) => c.path);
  for (const name of ['news', 'news list', 'news new', 'news show', 'news export', 'news import', 'news dedupe', 'news validate', 'news completion']) expect(names).toContain(name);
});

test('no typewriter apostrophe in any help text', async () => {
  const offending = (await everyCommand()).flatMap(({ path: name, help }) =>
    help.split('\n').filter((line) => TYPEWRITER_ELISION.test(line)).map((line) => `${name} : ${line.trim()}`));
  expect(offending).toEqual([]);
});

test('the built binary prints the same French help, exit 0', async () => {
  for (const { path: name, help } of await everyCommand()) {
    const result = runNewsSync([...name.split(' ').slice(1), '--help']);
    expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 0, stderr: '' });
    expect(result.stdout).toBe(help);
  }
});

test('a short flag means the same long option in every command', async () => {
  const meanings = new Map<string, Set<string>>();
  for (const { command } of await everyCommand()) {
    for (const option of command.options) {
      if (!option.short) continue;
      const set = meanings.get(option.short) ?? new Set<string>();
      set.add(option.long ?? option.short);
      meanings.set(option.short, set);
    }
  }
  const twice = [...meanings].filter(([, longs]) => longs.size > 1).map(([short, longs]) => `${short} : ${[...longs].join(', ')}`);
  expect(twice).toEqual([]);
});

/** English words that have no place in a French placeholder. */
const ENGLISH_PLACEHOLDER = /\b(run|id|path|file|dir|folder|name|value|key|count|number|days|seconds|tag|title|body|author|summary|output|input|slug-new|new|old|text|string|lines?)\b/i;

test('option and argument placeholders are French', async () => {
  const bad: string[] = [];
  for (const { path: name, command } of await everyCommand()) {
    for (const option of command.options) {
      const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
      if (placeholder && ENGLISH_PLACEHOLDER.test(placeholder)) bad.push(`${name} ${option.flags}`);
    }
    for (const argument of command.registeredArguments) {
      if (ENGLISH_PLACEHOLDER.test(argument.name())) bad.push(`${name} <${argument.name()}>`);
    }
  }
  expect(bad).toEqual([]);
});

test('decimal numbers are written with a comma in the help (0,9 rather than 0.9)', async () => {
  const offending = (await everyCommand()).flatMap(({ path: name, help }) =>
    help.split('\n').filter((line) => /(?<![\w./:-])\d+\.\d+(?![\w./])/.test(line)).map((line) => `${name} : ${line.trim()}`));
  expect(offending).toEqual([]);
});

/** Every string and template literal of src/, with its file and line. */
function sourceStrings(): Array<{ where: string; text: string }> {
  const found: Array<{ where: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const file = ts.createSourceFile(full, text, ts.ScriptTarget.ES2022, true);
        const visit = (node: ts.Node) => {
          if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
            const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
            found.push({ where: `${path.relative(ROOT, full)}:${line}`, text: node.text });
          }
          ts.forEachChild(node, visit);
        };
        visit(file);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return found;
}

/**
 * Strings that must keep the typewriter apostrophe because they are data, not the tool's
 * words: what the old site printed (its pages are matched as they are).
 */
const DATA_STRINGS = new Set<string>(["C'est d'actualité…"]);

test('no typewriter apostrophe in the messages, errors and prompts of src/', () => {
  const strings = sourceStrings();
  expect(strings.length).toBeGreaterThan(500);
  const offending = strings.filter((s) => TYPEWRITER_ELISION.test(s.text) && !DATA_STRINGS.has(s.text)).map((s) => `${s.where} : ${s.text}`);
  expect(offending).toEqual([]);
});

test('the man page (built from the same help) has a section for every command', async () => {
  const page = fs.readFileSync(path.join(ROOT, 'man', 'news.1'), 'utf8');
  for (const { path: name } of (await everyCommand()).slice(1)) {
    expect([name, page.includes(`.SS ${name.replace(/-/g, '\\-')}\n`)]).toEqual([name, true]);
  }
  expect(page).toContain('.TH NEWS 1');
});
