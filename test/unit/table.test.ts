import { displayWidth, printableText, renderTable } from '../../src/format/table.js';

describe('displayWidth', () => {
  test('accents take one column whether composed or not; wide characters two', () => {
    expect(displayWidth('été')).toBe(3);
    expect(displayWidth('e\u0301te\u0301')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🎉ok')).toBe(4);
    expect(displayWidth('1\u202f234')).toBe(5);
  });
});

describe('renderTable', () => {
  test('columns aligned by display width, right alignment, no trailing spaces', () => {
    const lines = renderTable(
      [['le 1er août 2014', 'Été', 'lu 1\u202f234 fois', 'ete'], ['le 29 octobre 2013', 'Cafe\u0301 日本', 'lu 5 fois', 'cafe']],
      [{}, {}, { align: 'right' }, {}],
    );
    expect(lines).toEqual([
      'le 1er août 2014    Été        lu 1\u202f234 fois  ete',
      'le 29 octobre 2013  Cafe\u0301 日本      lu 5 fois  cafe',
    ]);
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });

  test('a cell wider than maxWidth is cut with …; line breaks and control characters never get through', () => {
    const [line] = renderTable([['Un titre bien trop long pour la colonne', 'x']], [{ maxWidth: 10 }, {}]);
    expect(line).toBe('Un titre …  x');
    const [clean] = renderTable([['deux\nlignes\u001b[31m\u0007', 'x']], [{}, {}]);
    expect(clean).toBe('deux lignes[31m  x');
  });

  test('style is applied after padding, so colour codes never upset the alignment', () => {
    const lines = renderTable([['a', 'x'], ['abc', 'y']], [{ style: (s) => `<${s}>` }, {}]);
    expect(lines).toEqual(['<a  >  x', '<abc>  y']);
  });
});

test('printableText keeps line breaks and tabs unless asked for one line', () => {
  expect(printableText('a\r\nb\tc\u001b[2J\u009b')).toBe('a\nb\tc[2J');
  expect(printableText('a\r\nb\tc', true)).toBe('a b c');
});
