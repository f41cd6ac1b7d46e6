import fs from 'node:fs';
import path from 'node:path';
import { legacyDoubledBody } from '../fixtures/dedupe/folder.js';
import { makePost, runNews, tempContent } from '../helpers/cli.js';

/**
 * Issue 13, item 4: unknown keys named `__proto__` and `constructor` are kept, untouched,
 * when dedupe --apply rewrites a post (a merge, a collapse), as every other unknown key.
 */

const LONG = 120_000;

/** A post file with unknown keys that JavaScript objects treat specially, written as raw JSON. */
function withSpecialKeys(post: Record<string, unknown>): string {
  const json = JSON.stringify(post, null, 2);
  return `${json.slice(0, -2)},\n  "__proto__": {\n    "isAdmin": true\n  },\n  "constructor": "gardé",\n  "toString": 42\n}\n`;
}

const special = (file: string) => {
  const text = fs.readFileSync(file, 'utf8');
  const value = JSON.parse(text);
  return { proto: Object.getOwnPropertyDescriptor(value, '__proto__')?.value, ctor: Object.hasOwn(value, 'constructor') ? value.constructor : undefined, toString: Object.hasOwn(value, 'toString') ? value.toString : undefined, text };
};

test('a merge keeps the kept post’s __proto__, constructor and toString keys', async () => {
  const dir = tempContent({
    garde: withSpecialKeys(makePost('garde', { title: 'Portes ouvertes', body: 'Samedi, de 9 h à 17 h, venez découvrir nos formations et rencontrer les formateurs.', views: 5 })),
    copie: makePost('copie', { title: 'Portes ouvertes', body: 'Samedi, de 9 h à 17 h, venez découvrir nos formations et rencontrer les formateurs.', views: 3, date: '2013-10-30' }),
  });
  const r = await runNews(['dedupe', '--dir', dir, '--apply']);
  expect(r.code).toBe(0);
  const kept = special(path.join(dir, 'posts', 'garde.json'));
  expect(JSON.parse(kept.text).views).toBe(8);
  expect(kept.proto).toEqual({ isAdmin: true });
  expect(kept.ctor).toBe('gardé');
  expect(kept.toString).toBe(42);
  expect(kept.text).toContain('"__proto__": {\n    "isAdmin": true\n  },\n  "constructor": "gardé",\n  "toString": 42\n}\n');
  // And the file still reads back as a post (show --json prints the keys as they are).
  const shown = await runNews(['show', 'garde', '--dir', dir, '--json']);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('"__proto__"');
}, LONG);

test('a collapse of repeated paragraphs keeps them too', async () => {
  const dir = tempContent({ double: withSpecialKeys(makePost('double', { title: 'Une page doublée', body: legacyDoubledBody() })) });
  expect((await runNews(['dedupe', '--dir', dir, '--apply'])).code).toBe(0);
  const kept = special(path.join(dir, 'posts', 'double.json'));
  expect(JSON.parse(kept.text).body).not.toEqual(legacyDoubledBody());
  expect(kept.proto).toEqual({ isAdmin: true });
  expect(kept.ctor).toBe('gardé');
}, LONG);
