import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { cleanEnv, ROOT } from '../helpers/cli.js';

/*
 * The package as a new user gets it: `npm pack` holds what it should and nothing else; the
 * tarball installs globally into a temporary prefix (bin on PATH, man page linked) and works
 * from any folder; `npm exec --package=<tarball>` runs it; and the example of docs/api.md is
 * type-checked against the installed package's declarations, then run, and prints what the
 * page says. Everything comes from the npm cache (--prefer-offline): `npm ci` filled it.
 */

jest.setTimeout(600_000);

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; man: string[] };
const LEGACY_POST = 'content/posts/le-miroir-brise-des-reseaux-sociaux.json';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-install-'));
const prefix = path.join(work, 'prefix');
const elsewhere = path.join(work, 'ailleurs');
fs.mkdirSync(elsewhere);
let tarball = '';

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: cleanEnv({ npm_config_update_notifier: 'false' }), ...options });
  return { code: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function npm(args: string[], options: SpawnSyncOptions = {}) {
  const result = run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], options);
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} : ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('npm pack holds bin, dist, theme, the bundled content, docs, schemas, man page, README, LICENSE; nothing else', () => {
  const [report] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts']).stdout) as Array<{ name: string; files: Array<{ path: string }> }>;
  expect(report!.name).toBe(pkg.name);
  const files = report!.files.map((f) => f.path).sort();
  const allowed = /^(bin\/news\.js|dist\/.+\.(js|d\.ts)|theme\/.+|docs\/.+|schemas\/(post|site)\.schema\.json|man\/news\.1|content\/site\.json|README\.md|LICENSE|package\.json)$/;
  expect(files.filter((f) => !allowed.test(f) && f !== LEGACY_POST)).toEqual([]);
  for (const needed of ['bin/news.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schemas/post.schema.json', 'schemas/site.schema.json', 'man/news.1', 'content/site.json', LEGACY_POST, 'README.md', 'LICENSE', 'docs/api.md']) {
    expect(files).toContain(needed);
  }
  // The bundled content is site.json and the legacy post only, whatever else content/ holds.
  expect(files.filter((f) => f.startsWith('content/')).sort()).toEqual([LEGACY_POST, 'content/site.json'].sort());
  // The default theme, when the repository has one, ships whole.
  const themeDir = path.join(ROOT, 'theme');
  if (fs.existsSync(themeDir)) {
    const theme = (fs.readdirSync(themeDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(themeDir, f)).isFile()).map((f) => `theme/${f}`);
    expect(files.filter((f) => f.startsWith('theme/')).sort()).toEqual(theme.sort());
  }
  // No compiled file without its source (a stale dist/ from a removed module).
  for (const file of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
    expect([file, fs.existsSync(path.join(ROOT, 'src', file.slice('dist/'.length).replace(/\.js$/, '.ts')))]).toEqual([file, true]);
  }
  expect(pkg.man).toEqual(['./man/news.1']);
});

test('the tarball installs globally into a prefix, and news works from another folder', () => {
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work]).stdout) as Array<{ filename: string }>;
  tarball = path.join(work, packed[0]!.filename);
  expect(fs.existsSync(tarball)).toBe(true);
  npm(['install', '--global', '--prefix', prefix, tarball], { cwd: elsewhere });
  const news = path.join(prefix, 'bin', 'news');
  expect(fs.existsSync(news)).toBe(true);

  const version = run(news, ['--version'], { cwd: elsewhere });
  expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });

  // A content folder of the user's, somewhere else: the bundled one, copied.
  const content = path.join(work, 'mon-contenu');
  fs.mkdirSync(path.join(content, 'posts'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'content', 'site.json'), path.join(content, 'site.json'));
  fs.copyFileSync(path.join(ROOT, LEGACY_POST), path.join(content, 'posts', path.basename(LEGACY_POST)));
  const list = run(news, ['list', '--dir', content], { cwd: elsewhere });
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(/le 29 octobre 2013\s+Le miroir brisé des réseaux sociaux\s+lu 787 fois\s+le-miroir-brise-des-reseaux-sociaux/);

  // The default theme ships with the package: the site is made from another folder.
  const exported = run(news, ['export', 'html', '--dir', content, '--out', path.join(work, 'site')], { cwd: elsewhere });
  expect(exported.stderr).toContain('Site exporté');
  expect(exported.code).toBe(0);
  expect(fs.readFileSync(path.join(work, 'site', 'index.html'), 'utf8')).toContain('Le miroir brisé des réseaux sociaux');

  // Without --dir, the folder's own ./content is looked for, not the package's.
  const none = run(news, ['list'], { cwd: elsewhere });
  expect(none.code).toBe(2);
  expect(none.stderr).toContain(`le dossier de contenu ${path.join(elsewhere, 'content')}`);

  // The man page is linked where man looks for it.
  const manPage = path.join(prefix, 'share', 'man', 'man1', 'news.1');
  expect(fs.existsSync(manPage)).toBe(true);
  const shown = run('man', ['-P', 'cat', 'news'], { cwd: elsewhere, env: cleanEnv({ MANPATH: path.join(prefix, 'share', 'man'), MANWIDTH: '100', LANG: 'C.UTF-8' }) });
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('news export');
  expect(shown.stdout).toContain('Exemples');
});

test('npm exec --package=<tarball> news runs the command (as npx --package=@actualites/news news will)', () => {
  const result = run('npm', ['exec', '--yes', '--prefer-offline', `--package=${tarball}`, '--', 'news', '--version'], { cwd: elsewhere });
  expect(result.stdout.trim().split('\n').pop()).toBe(pkg.version);
  expect(result.code).toBe(0);
});

test('the example of docs/api.md type-checks against the installed declarations and prints what the page says', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
  const expected = /Ce qu’il affiche :\n\n```text\n([\s\S]*?)```/.exec(doc)![1]!;
  const project = path.join(work, 'projet');
  fs.mkdirSync(path.join(project, 'node_modules', '@actualites'), { recursive: true });
  fs.symlinkSync(path.join(prefix, 'lib', 'node_modules', '@actualites', 'news'), path.join(project, 'node_modules', '@actualites', 'news'));
  fs.writeFileSync(path.join(project, 'exemple.mjs'), example);
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', allowJs: true, checkJs: true, noEmit: true, strict: true, skipLibCheck: true,
      types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    files: ['exemple.mjs'],
  }));
  const tsc = run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.code).toBe(0);
  // The check bites: a misspelt field of a returned object is an error.
  fs.writeFileSync(path.join(project, 'exemple.mjs'), example.replace('group.keep,', 'group.keeep,'));
  const bad = run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project });
  expect(bad.stdout).toContain("Property 'keeep' does not exist on type 'DuplicateGroup'");
  fs.writeFileSync(path.join(project, 'exemple.mjs'), example);

  const ran = run(process.execPath, ['exemple.mjs'], { cwd: project });
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  expect(ran.stdout).toBe(expected);
});
