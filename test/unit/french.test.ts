import { formatDateFr, formatViewsFr, formatViewsBracketedFr, formatCountFr } from '../../src/format/french.js';

const NNBSP = '\u202f';

import { execFileSync } from 'node:child_process';
import path from 'node:path';

const DATE_CASES: Array<[string, string, string]> = [
  ['2013-10-29', 'Europe/Paris', 'le 29 octobre 2013'],
  ['2014-08-01', 'Europe/Paris', 'le 1er août 2014'],
  ['2013-10-29T23:30:00Z', 'Europe/Paris', 'le 30 octobre 2013'],
  ['2013-10-29T22:30:00Z', 'Europe/Paris', 'le 29 octobre 2013'],
  ['2014-07-31T22:30:00Z', 'Europe/Paris', 'le 1er août 2014'], // summer: UTC+2
  ['2014-07-31T21:59:59Z', 'Europe/Paris', 'le 31 juillet 2014'],
  ['2014-02-01T00:30:00+01:00', 'Europe/Paris', 'le 1er février 2014'],
  ['2014-12-25', 'America/Los_Angeles', 'le 25 décembre 2014'],
  ['2014-01-01', 'Pacific/Auckland', 'le 1er janvier 2014'],
];
const VIEW_CASES: Array<[number, string]> = [
  [0, 'lu 0 fois'], [1, 'lu 1 fois'], [787, 'lu 787 fois'], [1234, `lu 1${NNBSP}234 fois`],
  [12045, `lu 12${NNBSP}045 fois`], [1234567, `lu 1${NNBSP}234${NNBSP}567 fois`],
];

// Jest's process.env is a copy, so a machine zone is tried for real in a child Node process
// that runs the built module with TZ set, and reports what it printed.
describe.each([['UTC', 0], ['America/Los_Angeles', 480], ['Pacific/Auckland', -780]])('on a machine with TZ=%s', (machineZone, januaryOffset) => {
  const script = `
    const f = await import(${JSON.stringify(path.resolve('dist/format/french.js'))});
    const dates = ${JSON.stringify(DATE_CASES)}.map(([d, z]) => f.formatDateFr(d, z));
    const views = ${JSON.stringify(VIEW_CASES)}.map(([v]) => f.formatViewsFr(v));
    console.log(JSON.stringify({ offset: new Date(Date.UTC(2014, 0, 15)).getTimezoneOffset(), dates, views }));`;
  const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: machineZone }, encoding: 'utf8' }));

  test('the machine zone really is in force in the child', () => {
    expect(result.offset).toBe(januaryOffset);
  });
  test('every SPEC date prints the same', () => {
    expect(result.dates).toEqual(DATE_CASES.map((c) => c[2]));
  });
  test('every SPEC view count prints the same', () => {
    expect(result.views).toEqual(VIEW_CASES.map((c) => c[1]));
  });
});

describe('formatDateFr', () => {
  test.each(DATE_CASES)('%s in %s → %s', (date, zone, expected) => {
    expect(formatDateFr(date, zone)).toBe(expected);
  });

  test('every month is lower case French', () => {
    const months = Array.from({ length: 12 }, (_, i) => formatDateFr(`2015-${String(i + 1).padStart(2, '0')}-15`));
    expect(months).toEqual([
      'le 15 janvier 2015', 'le 15 février 2015', 'le 15 mars 2015', 'le 15 avril 2015', 'le 15 mai 2015', 'le 15 juin 2015',
      'le 15 juillet 2015', 'le 15 août 2015', 'le 15 septembre 2015', 'le 15 octobre 2015', 'le 15 novembre 2015', 'le 15 décembre 2015',
    ]);
  });

  test('a calendar date is never shifted, even at the far ends of the zones', () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'Asia/Tokyo']) {
      expect(formatDateFr('2013-10-29', zone)).toBe('le 29 octobre 2013');
    }
  });

  test('an impossible date is refused', () => {
    expect(() => formatDateFr('2013-02-30')).toThrow();
  });
});

describe('formatViewsFr', () => {
  test.each(VIEW_CASES)('%d → %s', (views, expected) => {
    expect(formatViewsFr(views)).toBe(expected);
  });

  test('bracketed as the old site printed it', () => {
    expect(formatViewsBracketedFr(787)).toBe('(lu 787 fois)');
    expect(formatViewsBracketedFr(1234)).toBe(`(lu 1${NNBSP}234 fois)`);
  });

  test('the separator is U+202F and nothing else', () => {
    expect([...formatCountFr(1234)].map((c) => c.codePointAt(0)!.toString(16))).toEqual(['31', '202f', '32', '33', '34']);
  });
});

describe('formatCountFr groups as Intl fr-FR does', () => {
  test('every count up to 120 000 (by 7) and some large ones match Intl, separators as U+202F', () => {
    const intl = new Intl.NumberFormat('fr-FR');
    const counts = [Number.MAX_SAFE_INTEGER, 987654321, 1000000];
    for (let n = 0; n < 120000; n += 7) counts.push(n);
    const mismatches = counts.filter((n) => formatCountFr(n) !== intl.format(n).replace(/[\s\u00a0\u202f]/g, NNBSP));
    expect(mismatches).toEqual([]);
  });
});
