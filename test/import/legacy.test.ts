import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { parseDateLineFr, parseLegacyPage, parseMonthFr, parseViewsLineFr, legacyPageId } from '../../src/import/legacy.js';
import { blocksToMarkdown, escapeMarkdownLine, splitBlocks } from '../../src/import/text.js';
import { asPostUuid, uuidV5 } from '../../src/import/id.js';
import { ROOT } from '../helpers/cli.js';

const PAGES = path.join(ROOT, 'test', 'fixtures', 'import', 'pages');
const LEGACY = fs.readFileSync(path.join(PAGES, '000_86685fca304575ad.txt'), 'utf8');
const HEAD = "Accéder au contenu principal\n\nC'est d'actualité…\n\n";

function page(title: string, body: string, footer: string, repeat?: string): string {
  return `${HEAD}${title}\n\n${body}\n\n${footer}\n${repeat === undefined ? '' : `\n${repeat}`}`;
}

function ok(result: ReturnType<typeof parseLegacyPage>) {
  if (!result.ok) throw new Error(`page not understood: ${result.reasons.join('; ')}`);
  return result;
}

describe('French dates of the old site', () => {
  const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
  test.each(months.map((m, i) => [m, i + 1]))('le 12 %s 2013 is month %i', (month, number) => {
    expect(parseDateLineFr(`le 12 ${month} 2013`)).toEqual({ ok: true, day: { year: 2013, month: number, day: 12 }, views: undefined });
  });

  test('accents may be missing, decomposed or in capitals; 1er is the first', () => {
    expect(parseMonthFr('fevrier')).toBe(2);
    expect(parseMonthFr('aout')).toBe(8);
    expect(parseMonthFr('De\u0301cembre')).toBe(12);
    expect(parseMonthFr('AOÛT')).toBe(8);
    expect(parseDateLineFr('le 1er août 2014')).toMatchObject({ ok: true, day: { year: 2014, month: 8, day: 1 } });
    expect(parseDateLineFr('Le 1ᵉʳ janvier 2000')).toMatchObject({ ok: true, day: { year: 2000, month: 1, day: 1 } });
    expect(parseDateLineFr('le\u00a029\u00a0octobre\u00a02013')).toMatchObject({ ok: true, day: { year: 2013, month: 10, day: 29 } });
  });

  test('near misses say what is wrong; other lines are not dates', () => {
    expect(parseDateLineFr('le 31 février 2013')).toEqual({ ok: false, reason: expect.stringContaining("ce jour n’existe pas") });
    expect(parseDateLineFr('le 29 octobr 2013')).toEqual({ ok: false, reason: expect.stringContaining('mois « octobr » inconnu') });
    expect(parseDateLineFr('le 2er mai 2013')).toEqual({ ok: false, reason: expect.stringContaining('jour « 2er »') });
    expect(parseDateLineFr('Le miroir brisé des réseaux sociaux')).toBeUndefined();
  });

  test('date and views on one line, as news show prints them', () => {
    expect(parseDateLineFr('le 29 octobre 2013 (lu 787 fois)')).toEqual({ ok: true, day: { year: 2013, month: 10, day: 29 }, views: 787 });
  });
});

describe('views', () => {
  test.each([
    ['(lu 0 fois)', 0],
    ['(lu 12045 fois)', 12045],
    ['(lu 12 045 fois)', 12045],
    ['(lu 12\u00a0045 fois)', 12045],
    ['(lu 12\u202f045 fois)', 12045],
    ['(lu\u00a0787\u00a0fois)', 787],
    ['(lu 1 234 567 fois)', 1234567],
    ['lu 1 fois', 1],
  ])('%j → %i', (line, views) => {
    expect(parseViewsLineFr(line)).toBe(views);
  });

  test('badly grouped or wordy counts are not views', () => {
    expect(parseViewsLineFr('(lu 12 45 fois)')).toBeUndefined();
    expect(parseViewsLineFr('(lu beaucoup de fois)')).toBeUndefined();
    expect(parseViewsLineFr('(vu 12 fois)')).toBeUndefined();
  });
});

describe('the legacy page of the old site', () => {
  const result = ok(parseLegacyPage(LEGACY));
  const { post } = result;

  test('title, date, views; navigation line and section title dropped', () => {
    expect(post.title).toBe('Le miroir brisé des réseaux sociaux');
    expect(post.date).toBe('2013-10-29');
    expect(post.views).toBe(787);
    expect(post.tags).toEqual([]);
    expect(post.body).not.toContain('Accéder au contenu');
    expect(post.body).not.toContain("C'est d'actualité");
    expect(post.body).not.toContain('octobre 2013\n');
    expect(result.repeated).toBe('whole');
    expect(result.warnings).toEqual([]);
  });

  test('every paragraph once, sub-headings as Markdown headings, the two-line paragraph kept with a hard break', () => {
    const paragraphs = post.body.split('\n\n');
    expect(paragraphs).toHaveLength(9);
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
    expect(paragraphs.filter((p) => p.startsWith('## '))).toEqual(['## Que disent-ils ?', '## Et alors ?', '## Conclusion ?']);
    expect(paragraphs[0]).toMatch(/^Derrière ce titre/);
    expect(paragraphs[8]).toBe('C\'est ce que nous vous disons depuis plusieurs années dans notre formation Stratégie Web, réseaux sociaux et mobilité. Et en plus, nous vous donnons des pistes de solutions !\\\nMerci qui ? :-)');
    for (const sentence of ['Derrière ce titre', 'La désillusion', 'Le basculement', 'La plupart de ce que', 'Merci qui']) {
      expect(post.body.split(sentence)).toHaveLength(2);
    }
  });

  test('rendered as CommonMark: three h2, a <br> in the last paragraph, no stray markup', () => {
    const html = new MarkdownIt().render(post.body);
    expect(html.match(/<h2>/g)).toHaveLength(3);
    expect(html).toContain('<h2>Que disent-ils ?</h2>');
    expect(html).toContain('pistes de solutions !<br>\nMerci qui ? :-)</p>');
    expect(html.match(/<p>/g)).toHaveLength(6);
  });

  test('the id is a UUID v5 of date, title and words: stable, whatever the views, the copy or the white space', () => {
    expect(asPostUuid(post.id)).toBe(post.id);
    expect(post.id[14]).toBe('5');
    expect(ok(parseLegacyPage(LEGACY)).post.id).toBe(post.id);
    const half = LEGACY.slice(0, LEGACY.indexOf('(lu') + '(lu\u00a0787\u00a0fois)\n'.length);
    expect(ok(parseLegacyPage(half)).post.id).toBe(post.id);
    expect(ok(parseLegacyPage(LEGACY.replace('787', '1\u202f024'))).post.id).toBe(post.id);
    expect(ok(parseLegacyPage(LEGACY.replace(/\n/g, '\r\n').replace(/ :/g, '\u00a0:'))).post.id).toBe(post.id);
    expect(ok(parseLegacyPage(LEGACY.replace('le 29 octobre 2013', 'le 30 octobre 2013'))).post.id).not.toBe(post.id);
    expect(ok(parseLegacyPage(LEGACY.replace(/amateurisme/g, 'amateurs'))).post.id).not.toBe(post.id);
  });
});

describe('pages written for these tests', () => {
  test('a page without repetition is imported whole', () => {
    const result = ok(parseLegacyPage(page('Un titre', 'Premier.\n\nSecond.', 'le 2 mai 2012\n(lu 5 fois)')));
    expect(result.repeated).toBe('none');
    expect(result.post.body).toBe('Premier.\n\nSecond.');
    expect(result.post.views).toBe(5);
  });

  test('a repeated copy that differs in trailing white space and lacks the final newline is dropped', () => {
    const body = 'Premier paragraphe.\n\nQuestion ?\nRéponse.\n\nDernier.';
    const copy = `${body.split('\n').map((l) => `${l} \t\u00a0`).join('\n')}`;
    const text = `${page('Un titre', body, 'le 3 juin 2012\n(lu 12 045 fois)')}\n${copy}`.replace(/\n+$/, '');
    const result = ok(parseLegacyPage(text));
    expect(result.repeated).toBe('whole');
    expect(result.post.body).toBe('Premier paragraphe.\n\n## Question ?\n\nRéponse.\n\nDernier.');
    expect(result.warnings).toEqual([]);
  });

  test('a copy that says something else is kept after the text, with a warning (nothing lost)', () => {
    const result = ok(parseLegacyPage(page('Titre', 'Texte.', 'le 3 juin 2012\n(lu 1 fois)', 'Autre chose.\n')));
    expect(result.post.body).toBe('Texte.\n\nAutre chose.');
    expect(result.warnings.join()).toMatch(/diffère/);
  });

  test('a page without navigation line or section title still gives its title', () => {
    const result = ok(parseLegacyPage('Titre seul\n\nTexte.\n\nle 4 juillet 2012\n(lu 2 fois)\n'));
    expect(result.post.title).toBe('Titre seul');
  });

  test('no date, no title, no text: each named', () => {
    const noDate = parseLegacyPage(page('Titre', 'Texte.', '(lu 3 fois)'));
    expect(noDate).toMatchObject({ ok: false, missing: ['date'] });
    const badMonth = parseLegacyPage(page('Titre', 'Texte.', 'le 3 jullet 2012\n(lu 3 fois)'));
    expect(badMonth).toMatchObject({ ok: false, missing: ['date'], reasons: [expect.stringContaining('« jullet » inconnu')] });
    const noTitle = parseLegacyPage(`${HEAD}le 3 juin 2012\n(lu 3 fois)\n`);
    expect(noTitle).toMatchObject({ ok: false, missing: ['titre'] });
    const noText = parseLegacyPage(`${HEAD}Titre\n\nle 3 juin 2012\n(lu 3 fois)\n`);
    expect(noText).toMatchObject({ ok: false, missing: ['texte'] });
    expect(parseLegacyPage('')).toMatchObject({ ok: false, missing: ['titre', 'date', 'texte'] });
  });

  test('missing views: 0, with a warning', () => {
    const result = ok(parseLegacyPage(page('Titre', 'Texte.', 'le 3 juin 2012')));
    expect(result.post.views).toBe(0);
    expect(result.warnings.join()).toMatch(/nombre de lectures absent/);
  });

  test('a title with ":" and "’", and a title shaped like a date, stay titles', () => {
    expect(ok(parseLegacyPage(page('L’été : bilan', 'Texte.', 'le 3 juin 2012\n(lu 1 fois)'))).post.title).toBe('L’été : bilan');
    expect(ok(parseLegacyPage(page('Le 1er mai 2015', 'Texte.', 'le 3 juin 2015\n(lu 1 fois)'))).post).toMatchObject({ title: 'Le 1er mai 2015', date: '2015-06-03' });
  });

  test('site.json title counts as a section title too', () => {
    const text = 'Accéder au contenu principal\n\nNos actualités\n\nTitre\n\nTexte.\n\nle 3 juin 2012\n(lu 1 fois)\n';
    expect(ok(parseLegacyPage(text, { sectionTitles: ['Nos actualités'] })).post.title).toBe('Titre');
  });
});

describe('plain text to Markdown', () => {
  test('markup characters are escaped so the text reads as written', () => {
    const md = new MarkdownIt();
    const lines = ['# pas un titre', '> pas une citation', '- pas une liste', '+ non plus', '12. pas un numéro', '*pas* en _italique_', 'a <b>pas html</b> & [pas](lien) `code` ~~barré~~', '===', '&eacute; reste écrit'];
    const markdown = blocksToMarkdown(lines.map((l) => [l]));
    const html = md.render(markdown);
    expect(html).not.toMatch(/<(h1|h2|blockquote|ul|ol|li|em|strong|b|a|code|s|hr)\b/);
    for (const line of lines) {
      const text = md.renderInline(escapeMarkdownLine(line));
      expect(text).toBe(md.utils.escapeHtml(line));
    }
  });

  test('a long line ending in ? is no sub-heading; a short one alone is a paragraph', () => {
    const long = `${'mot '.repeat(30)}?`;
    expect(blocksToMarkdown(splitBlocks([long, 'suite']))).toBe(`${long.trim()}\\\nsuite`);
    expect(blocksToMarkdown(splitBlocks(['Et alors ?', '', 'Suite.']))).toBe('Et alors ?\n\nSuite.');
  });

  test('uuidV5 matches the RFC test vector; ids are case-insensitive UUIDs', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(asPostUuid('urn:uuid:8C5A7F40-2B7E-4D3A-9F1E-0A2B3C4D5E6F')).toBe('8c5a7f40-2b7e-4d3a-9f1e-0a2b3c4d5e6f');
    expect(asPostUuid('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(legacyPageId('2013-10-29', 'Titre', [['a  b']])).toBe(legacyPageId('2013-10-29', ' Titre ', [['a', 'b']]));
  });
});
