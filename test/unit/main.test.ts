// main(): errors become French lines and exit codes; a stack trace only with NEWS_DEBUG=1.
import { main } from '../../src/cli/main.js';
import { colorEnabled } from '../../src/format/color.js';
import { makePost, tempContent } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

const dir = tempContent({ a: makePost('a', { title: 'Premier', views: 3 }) });
const argv = (...args: string[]) => ['node', 'news', ...args];
const STACK = /^\s+at /m;

function brokenStdout(env: Record<string, string> = {}) {
  return testContext({
    env,
    stdout: {
      write: () => {
        throw new Error('le terminal a disparu');
      },
    },
  });
}

test('an unexpected error: exit 2, one French line, no stack trace', async () => {
  const ctx = brokenStdout();
  expect(await main(argv('list', '--dir', dir), ctx)).toBe(2);
  expect(ctx.err()).toBe('news : erreur : erreur inattendue : le terminal a disparu. Relancez avec NEWS_DEBUG=1 pour le détail, et signalez-la.\n');
});

test('the same with NEWS_DEBUG=1: the stack follows', async () => {
  const ctx = brokenStdout({ NEWS_DEBUG: '1' });
  expect(await main(argv('list', '--dir', dir), ctx)).toBe(2);
  expect(ctx.err()).toMatch(/^news : erreur : erreur inattendue : le terminal a disparu\./);
  expect(ctx.err()).toMatch(STACK);
});

test('a NewsError: its message and exit code, no stack', async () => {
  const ctx = testContext();
  expect(await main(argv('show', 'absent', '--dir', dir), ctx)).toBe(2);
  expect(ctx.err()).toMatch(/^news : erreur : aucun billet « absent »/);
  expect(ctx.err()).not.toMatch(STACK);
  expect(ctx.out()).toBe('');
});

test('validate finding a problem returns 1', async () => {
  const bad = tempContent({ a: makePost('b') });
  const ctx = testContext();
  expect(await main(argv('validate', '--dir', bad), ctx)).toBe(1);
});

describe('colour', () => {
  test('decided from the context: a terminal, no NO_COLOR, no --no-color', () => {
    const tty = testContext({ stdoutIsTTY: true });
    expect(colorEnabled(tty, true)).toBe(true);
    expect(colorEnabled(tty, false)).toBe(false);
    expect(colorEnabled(testContext({ stdoutIsTTY: true, env: { NO_COLOR: '1' } }), true)).toBe(false);
    expect(colorEnabled(testContext({ stdoutIsTTY: true, env: { NO_COLOR: '' } }), true)).toBe(true); // no-color.org: empty means unset
    expect(colorEnabled(testContext({ stdoutIsTTY: false }), true)).toBe(false);
  });

  test('list on a terminal is coloured, JSON never', async () => {
    const ctx = testContext({ stdoutIsTTY: true });
    await main(argv('list', '--dir', dir), ctx);
    expect(ctx.out()).toContain('\u001b[');
    const json = testContext({ stdoutIsTTY: true });
    await main(argv('list', '--dir', dir, '--json'), json);
    expect(json.out()).not.toContain('\u001b[');
    expect(JSON.parse(json.out())[0].slug).toBe('a');
    const plain = testContext({ stdoutIsTTY: true });
    await main(argv('list', '--dir', dir, '--no-color'), plain);
    expect(plain.out()).toBe('le 29 octobre 2013  Premier  lu 3 fois  a\n');
  });
});

describe('incomplete command lines are usage errors', () => {
  test('news alone prints the help on stderr and exits 2; news --help exits 0', async () => {
    const bare = testContext();
    expect(await main(['node', 'news'], bare)).toBe(2);
    expect(bare.out()).toBe('');
    expect(bare.err()).toContain('Utilisation : news [options] <commande>');
    const asked = testContext();
    expect(await main(['node', 'news', '--help'], asked)).toBe(0);
    expect(asked.out()).toContain('Utilisation : news [options] <commande>');
  });

  test('an empty --dir is refused rather than taken as the current folder', async () => {
    const ctx = testContext();
    expect(await main(['node', 'news', 'list', '--dir', ''], ctx)).toBe(2);
    expect(ctx.err()).toContain('--dir est vide');
  });
});
