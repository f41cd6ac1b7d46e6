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

function writeScript(shell: 'zsh' | 'fish'): string {
  const result = runNewsSync(['completion', shell]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const file = path.join(bin, `news-completion.${shell}`);
  fs.writeFileSync(file, result.stdout);
  return file;
}

const shellEnv = () => cleanEnv({ PATH: `${bin}:${process.env.PATH}`, HOME: bin });

test('zsh: the same completion through bashcompinit, in a real zsh', () => {
  const file = writeScript('zsh');
  const words = (list: string[]) => list.map((w) => `'${w}'`).join(' ');
  const program = (line: string[]) => [
    'autoload -U +X compinit && compinit -u',
    'autoload -U +X bashcompinit && bashcompinit',
    `source '${file}'`,
    'setopt ksharrays', // as bashcompinit runs bash functions
    `COMP_WORDS=(${words(line)})`,
    `COMP_CWORD=${line.length - 1}`,
    '_news_complete',
    'print -l -- "${COMPREPLY[@]}"',
  ].join('\n');
  const run = (line: string[]) => {
    const result = spawnSync('zsh', ['-f', '-c', program(line)], { cwd: os.tmpdir(), env: shellEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  };
  // Outside a completion widget zsh's compgen does not filter by prefix (zsh does it when it
  // shows the matches): the words offered for an empty word are compared.
  expect(run(['news', 'list', '--sort', ''])).toEqual(['date', 'views', 'title', 'vues', 'titre']);
  expect(run(['news', ''])).toEqual(expect.arrayContaining(['list', 'export', 'completion']));
  expect(run(['news', '--dir', content, 'rm', ''])).toEqual(['le-miroir-brise', 'portes-closes', 'portes-ouvertes']);
});

test('fish: its own script, asked with complete -C in a real fish', () => {
  const file = writeScript('fish');
  const run = (line: string) => {
    const result = spawnSync('fish', ['--no-config', '-c', `source '${file}'; complete -C '${line}'`], { cwd: os.tmpdir(), env: shellEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
  };
  expect(run('news list --sort ').sort()).toEqual(['date', 'title', 'titre', 'views', 'vues']);
  expect(run('news li')).toEqual(['list']);
  expect(run('news dedupe --ap')).toEqual(['--apply']);
  expect(run('news views ').sort()).toEqual(['add', 'import', 'set']);
  expect(run(`news show --dir ${content} portes-`).sort()).toEqual(['portes-closes', 'portes-ouvertes']);
  expect(run('news export ').sort()).toEqual(['atom', 'html', 'json', 'rss']);
});

test('an unknown shell is a usage error naming the three', () => {
  const bad = runNewsSync(['completion', 'powershell']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('bash, zsh, fish');
});
