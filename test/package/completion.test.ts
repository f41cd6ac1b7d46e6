import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BIN, cleanEnv, makePost, runNewsSync, tempContent } from '../helpers/cli.js';

/*
 * `news completion bash` sourced in a real bash; COMP_WORDS/COMP_CWORD set as bash sets
 * them on Tab, then the completion function called and COMPREPLY read back. `news` is put
 * on PATH (a link to bin/news.js), since the script asks it for the slugs.
 */

jest.setTimeout(120_000);

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'news-completion-bin-'));
fs.symlinkSync(BIN, path.join(bin, 'news'));
const script = path.join(bin, 'news-completion.bash');
const content = tempContent({
  'le-miroir-brise': makePost('le-miroir-brise'),
  'portes-ouvertes': makePost('portes-ouvertes'),
  'portes-closes': makePost('portes-closes'),
});

beforeAll(() => {
  const result = runNewsSync(['completion', 'bash']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  fs.writeFileSync(script, result.stdout);
});

afterAll(() => {
  fs.rmSync(bin, { recursive: true, force: true });
  fs.rmSync(content, { recursive: true, force: true });
});

/** What bash offers after these words (the last one is the word being completed). */
function complete(words: string[], cwd = os.tmpdir(), env: Record<string, string | undefined> = {}): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const program = [
    `source '${script}'`,
    `COMP_WORDS=(${quoted})`,
    `COMP_CWORD=${words.length - 1}`,
    'COMP_LINE="${COMP_WORDS[*]}"',
    'COMP_POINT=${#COMP_LINE}',
    '_news_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program], {
    cwd,
    env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, ...env }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

test('the script is valid bash and registers a completion for news', () => {
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', `source '${script}' && complete -p news`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toBe('complete -F _news_complete news');
});

test('commands: every command of the program, by prefix', () => {
  const all = complete(['news', '']);
  for (const name of ['new', 'list', 'show', 'validate', 'import', 'dedupe', 'export', 'completion', 'help']) expect(all).toContain(name);
  expect(complete(['news', 'de'])).toEqual(['dedupe', 'delete']); // delete: the alias of rm
  // After a global option and its value, still the commands.
  expect(complete(['news', '--dir', content, 'li'])).toEqual(['list']);
});

test('options of the command being typed', () => {
  const options = complete(['news', 'list', '--']);
  expect(options).toEqual(expect.arrayContaining(['--all', '--sort', '--limit', '--json', '--dir', '--no-color', '--help']));
  expect(options).not.toContain('--apply'); // dedupe's, not list's
  expect(complete(['news', 'dedupe', '--ap'])).toEqual(['--apply']);
  expect(complete(['news', '-'])).toEqual(expect.arrayContaining(['--version', '--dir', '--help']));
});

test('option values: --sort (French words too), --from, export formats, shells', () => {
  expect(complete(['news', 'list', '--sort', ''])).toEqual(['date', 'views', 'title', 'vues', 'titre']);
  expect(complete(['news', 'list', '-s', 'v'])).toEqual(['views', 'vues']);
  expect(complete(['news', 'list', '--sort=t'])).toEqual(['--sort=title', '--sort=titre']);
  expect(complete(['news', 'import', '--from', ''])).toEqual(expect.arrayContaining(['legacy', 'rss', 'atom', 'json']));
  expect(complete(['news', 'export', ''])).toEqual(['html', 'rss', 'atom', 'json']);
  expect(complete(['news', 'export', 'a'])).toEqual(['atom']);
  expect(complete(['news', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  // A value that is free text completes to nothing rather than to commands.
  expect(complete(['news', 'list', '--limit', ''])).toEqual([]);
});

test('slugs of the content folder for show, from --dir, --dir=, $NEWS_DIR or ./content', () => {
  expect(complete(['news', '--dir', content, 'show', ''])).toEqual(['le-miroir-brise', 'portes-closes', 'portes-ouvertes']);
  expect(complete(['news', 'show', '--dir', content, 'portes-'])).toEqual(['portes-closes', 'portes-ouvertes']);
  expect(complete(['news', 'show', `--dir=${content}`, 'le'])).toEqual(['le-miroir-brise']);
  expect(complete(['news', 'show', 'p'], os.tmpdir(), { NEWS_DIR: content })).toEqual(['portes-closes', 'portes-ouvertes']);
  expect(complete(['news', 'show', 'p'], contentParent())).toEqual(['portes-closes', 'portes-ouvertes']);
  // Every command whose argument is <slug> gets them, the ones added by others included.
  for (const command of [['edit'], ['rm'], ['rename'], ['publish'], ['unpublish'], ['views', 'set']]) {
    expect([command, complete(['news', ...command, '--dir', content, 'portes-o'])]).toEqual([command, ['portes-ouvertes']]);
  }
  expect(complete(['news', 'rm', '--dir', content, 'portes-ouvertes', 'p'])).toEqual(['portes-closes', 'portes-ouvertes']); // rm <slug...>
  expect(complete(['news', 'rename', '--dir', content, 'portes-ouvertes', ''])).toEqual([]); // the new slug is free text
  // No content folder: nothing offered, nothing printed on the command line.
  expect(complete(['news', 'show', ''], os.tmpdir(), { NEWS_DIR: path.join(os.tmpdir(), 'no-such-news-folder') })).toEqual([]);
});

/** A folder whose ./content is the test content (the default folder). */
function contentParent(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'news-completion-cwd-'));
  fs.symlinkSync(content, path.join(parent, 'content'));
  return parent;
}

test('the slugs come from the fast path, which reads no post (a broken file is still a slug)', () => {
  fs.writeFileSync(path.join(content, 'posts', 'casse.json'), '{ pas du JSON');
  const result = spawnSync(process.execPath, [BIN, '__complete', 'slugs', '--dir', content], { encoding: 'utf8', env: cleanEnv() });
  fs.rmSync(path.join(content, 'posts', 'casse.json'));
  expect(result.status).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('casse\nle-miroir-brise\nportes-closes\nportes-ouvertes\n');
});

test('files for path values and arguments (import, --out, --body-file)', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'news-completion-files-'));
  fs.writeFileSync(path.join(folder, 'page-ancienne.txt'), 'x');
  fs.mkdirSync(path.join(folder, 'pages'));
  expect(complete(['news', 'import', 'page'], folder).sort()).toEqual(['page-ancienne.txt', 'pages']);
  expect(complete(['news', 'export', 'html', '--out', 'pa'], folder).sort()).toEqual(['page-ancienne.txt', 'pages']);
  expect(complete(['news', 'new', '--body-file', 'page-'], folder)).toEqual(['page-ancienne.txt']);
  expect(complete(['news', '--dir', 'pa'], folder)).toEqual(['pages']); // folders only
  fs.rmSync(folder, { recursive: true, force: true });
});

test('zsh and fish scripts are produced from the same program', () => {
  const zsh = runNewsSync(['completion', 'zsh']);
  expect(zsh.code).toBe(0);
  expect(zsh.stdout).toContain('bashcompinit');
  expect(zsh.stdout).toContain('complete -F _news_complete news');
  const fish = runNewsSync(['completion', 'fish']);
  expect(fish.code).toBe(0);
  expect(fish.stdout).toContain("complete -c news -n '__news_is \\'list\\'' -s s -l sort -x -a 'date views title vues titre'");
  expect(fish.stdout).toContain("-x -a '(__news_slugs)'");
  const bad = runNewsSync(['completion', 'powershell']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('bash, zsh, fish');
});
