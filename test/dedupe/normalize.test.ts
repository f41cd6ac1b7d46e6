import { normalizeForCompare } from '../../src/core/normalize.js';

describe('normalizeForCompare', () => {
  test('folds case, accents, ligatures, and NFC/NFD alike', () => {
    expect(normalizeForCompare('Le miroir BRISÉ des réseaux')).toBe('le miroir brise des reseaux');
    expect(normalizeForCompare('Le miroir brise\u0301 des re\u0301seaux')).toBe('le miroir brise des reseaux');
    expect(normalizeForCompare('L’œuvre de Cæsar')).toBe('l oeuvre de caesar');
    expect(normalizeForCompare('ECOLE')).toBe(normalizeForCompare('École'));
  });

  test('typographic quotes, apostrophes, punctuation and white space are separators', () => {
    const a = normalizeForCompare('« C’est dire », écrit-il…   Et alors ?');
    expect(a).toBe('c est dire ecrit il et alors');
    expect(normalizeForCompare('"C\'est dire", écrit-il... Et alors?')).toBe(a);
    expect(normalizeForCompare('C\u2019est\u00a0dire\u202fécrit il et\talors')).toBe(a);
  });

  test('Markdown and HTML markup are dropped, words inside emphasis stay whole', () => {
    const plain = 'un livre remarquable voir le site';
    expect(normalizeForCompare('un *livre* **remarquable** : voir [le site](https://exemple.fr/a_b "titre")')).toBe(plain);
    expect(normalizeForCompare('<p>un <em>livre</em> <strong>remarquable</strong></p><p>voir <a href="https://exemple.fr">le site</a></p>')).toBe(plain);
    expect(normalizeForCompare('## Un livre\n\n> remarquable\n\n- voir le site')).toBe('un livre remarquable voir le site');
    expect(normalizeForCompare('ré<em>férence</em> ré*férence* ré&shy;férence')).toBe('reference reference reference');
    expect(normalizeForCompare('&eacute;t&#233; &amp; hiver<!-- note -->')).toBe('ete hiver');
    expect(normalizeForCompare('<p>fin</p><p>debut</p>')).toBe('fin debut');
  });

  test('the view count boilerplate is dropped, other numbers kept', () => {
    expect(normalizeForCompare('le 29 octobre 2013\n(lu 787 fois)')).toBe('le 29 octobre 2013');
    expect(normalizeForCompare('le 1er août 2014 (lu 1\u202f234 fois)')).toBe('le 1er aout 2014');
    expect(normalizeForCompare('lu deux fois, 3 fois')).toBe('lu deux fois 3 fois');
  });

  test('a lone < or & is punctuation, not markup', () => {
    expect(normalizeForCompare('a<b & c')).toBe('a b c');
    expect(normalizeForCompare('3 < 4 et 5 > 2')).toBe('3 4 et 5 2');
  });
});
