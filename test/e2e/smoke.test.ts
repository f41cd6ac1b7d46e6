import { runNews, tempContent, makePost } from '../helpers/cli.js';

test('news list on the bundled content shows the legacy post in French', async () => {
  const r = await runNews(['list']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^le 29 octobre 2013 +Le miroir brisé des réseaux sociaux +lu 787 fois +le-miroir-brise-des-reseaux-sociaux$/m);
});

test('global options work before and after the command', async () => {
  const dir = tempContent({ a: makePost('a', { title: 'Premier', views: 1234 }) });
  for (const args of [['--dir', dir, 'list'], ['list', '--dir', dir], ['-d', dir, 'list', '--no-color']]) {
    const r = await runNews(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('lu 1\u202f234 fois');
  }
});

test('news show prints the bundled post as a reader sees it, a hard break as a plain line break', async () => {
  const r = await runNews(['show', 'le-miroir-brise-des-reseaux-sociaux']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('le 29 octobre 2013 (lu 787 fois)');
  expect(r.stdout).toContain('\nQue disent-ils ?\n'); // a heading, shown as its text (bold on a terminal)
  expect(r.stdout).not.toContain('## ');
  expect(r.stdout).toContain('pistes de solutions !\nMerci qui ? :-)');
  expect(r.stdout).not.toContain('\\\n');
});

test('--body-file follows a link (as <(…) and /dev/stdin are) but still refuses bytes that are not UTF-8', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = tempContent();
  const real = path.join(dir, 'texte.md');
  fs.writeFileSync(real, 'Texte venu d’un lien.\n');
  fs.symlinkSync(real, path.join(dir, 'lien.md'));
  const ok = await runNews(['new', '--dir', dir, '--title', 'Par un lien', '--body-file', path.join(dir, 'lien.md')]);
  expect(ok.stderr).toBe('');
  expect(ok.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'par-un-lien.json'), 'utf8')).body).toBe('Texte venu d’un lien.\n');
  fs.writeFileSync(real, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  const bad = await runNews(['new', '--dir', dir, '--title', 'Latin-1', '--body-file', path.join(dir, 'lien.md')]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--body-file .*lien\.md:1:4 : octets non UTF-8/);
  expect(fs.existsSync(path.join(dir, 'posts', 'latin-1.json'))).toBe(false);
});
