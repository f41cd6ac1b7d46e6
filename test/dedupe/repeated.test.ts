import fs from 'node:fs';
import path from 'node:path';
import { collapseRepeatedBlocks } from '../../src/core/dedupe/index.js';
import { ROOT } from '../helpers/cli.js';

const legacy = fs.readFileSync(path.join(ROOT, 'test/fixtures/dedupe/legacy-page.txt'), 'utf8');

/** The legacy page's post part: from the title's body to the end (both copies of the body). */
function legacyBody(): string {
  const lines = legacy.split('\n');
  return lines.slice(6).join('\n');
}

describe('collapseRepeatedBlocks', () => {
  test('the legacy page: its doubled body is cut back to one copy, the date line kept', () => {
    const body = legacyBody();
    const result = collapseRepeatedBlocks(body);
    const firstCopy = body.slice(0, body.indexOf('le 29 octobre 2013'));
    expect(result.paragraphs).toBe(13);
    expect(result.removed).toBe(6);
    expect(result.body.startsWith(firstCopy)).toBe(true);
    expect(result.body.trimEnd().endsWith('(lu\u00a0787\u00a0fois)')).toBe(true);
    expect(result.body.match(/Derrière ce titre/g)).toHaveLength(1);
    // Nothing left to collapse: a second run finds nothing.
    expect(collapseRepeatedBlocks(result.body)).toEqual({ paragraphs: 7, removed: 0, body: result.body });
  });

  test('the second copy may differ in white space, case and typography', () => {
    const a = 'Premier paragraphe du billet, assez long pour compter.';
    const b = 'Deuxième paragraphe, lui aussi assez long pour compter.';
    const body = `${a}\n\n${b}\n\n${a.toUpperCase()}   \n \n\n${b.replace(/,/g, ' ,').replace(/ /g, '  ')}\n`;
    const result = collapseRepeatedBlocks(body);
    expect(result).toEqual({ paragraphs: 4, removed: 2, body: `${a}\n\n${b}\n` });
  });

  test('a long paragraph repeated later goes; short headings used twice stay', () => {
    const long = 'Inscriptions auprès du secrétariat avant la fin du mois, places limitées.';
    const body = ['## Tarifs', 'Cent euros la journée.', long, '## Horaires', 'De 9 h à 17 h.', '## Tarifs', 'Quatre-vingts euros la demi-journée.', long].join('\n\n');
    const result = collapseRepeatedBlocks(body);
    expect(result.removed).toBe(1);
    expect(result.body).toBe(body.slice(0, body.lastIndexOf(`\n\n${long}`)));
    expect(result.body.match(/## Tarifs/g)).toHaveLength(2);
  });

  test('a short paragraph repeated right after itself (a stutter) goes; separators never do', () => {
    const body = 'Merci !\n\nMerci !\n\n* * *\n\nSuite du texte.\n\n* * *\n\nFin.';
    const result = collapseRepeatedBlocks(body);
    expect(result).toEqual({ paragraphs: 6, removed: 1, body: 'Merci !\n\n* * *\n\nSuite du texte.\n\n* * *\n\nFin.' });
  });

  test('a body without repeats is returned as it is', () => {
    const body = '\n  Un.\n\nDeux paragraphes différents.\n\n';
    expect(collapseRepeatedBlocks(body)).toEqual({ paragraphs: 2, removed: 0, body });
  });
});
