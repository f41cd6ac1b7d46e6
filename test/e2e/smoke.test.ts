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
  expect(r.stdout).toContain('## Que disent-ils ?');
  expect(r.stdout).toContain('pistes de solutions !\nMerci qui ? :-)');
  expect(r.stdout).not.toContain('\\\n');
});
