import { foldAccents, isValidSlug, slugify, uniqueSlug, SLUG_MAX_LENGTH } from '../../src/core/slug.js';

describe('slugify', () => {
  test.each([
    ['Le miroir brisé des réseaux sociaux', 'le-miroir-brise-des-reseaux-sociaux'],
    ['L’œuvre de Cæsar', 'l-oeuvre-de-caesar'],
    ["L'ŒUVRE DE CÆSAR", 'l-oeuvre-de-caesar'],
    ['Que disent-ils ?', 'que-disent-ils'],
    ['  « Portes ouvertes » – samedi 12 mars, 9 h  ', 'portes-ouvertes-samedi-12-mars-9-h'],
    ['Straße, Øresund, Łódź', 'strasse-oresund-lodz'],
    ['Noël à l’école', 'noel-a-l-ecole'],
    ['ﬁn de l’année', 'fin-de-l-annee'],
    ['Cafe\u0301 (NFD)', 'cafe-nfd'],
    ['2014 : bilan', '2014-bilan'],
    ['!!!', ''],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    if (slug) expect(isValidSlug(slug)).toBe(true);
  });

  test('at most 80 characters, cut at a word boundary, never ending in a hyphen', () => {
    const title = 'Un titre vraiment très long pour un billet de la rubrique des actualités de notre organisation de formation';
    const slug = slugify(title);
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(slug).toBe('un-titre-vraiment-tres-long-pour-un-billet-de-la-rubrique-des-actualites-de');
    expect(isValidSlug(slug)).toBe(true);
    // one endless word is cut at 80
    expect(slugify('a'.repeat(200))).toBe('a'.repeat(80));
  });

  test('foldAccents keeps the letters, drops the marks', () => {
    expect(foldAccents('L’œuvre de Cæsar')).toBe('L’oeuvre de Caesar');
    expect(foldAccents('àâäéèêëîïôöùûüÿç')).toBe('aaaeeeeiioouuuyc');
  });
});

describe('uniqueSlug', () => {
  test('collisions get -2, -3, …', () => {
    const taken = new Set(['x', 'x-2']);
    expect(uniqueSlug('y', (s) => taken.has(s))).toBe('y');
    expect(uniqueSlug('x', (s) => taken.has(s))).toBe('x-3');
    taken.delete('x-2');
    expect(uniqueSlug('x', (s) => taken.has(s))).toBe('x-2');
  });

  test('the suffix never pushes a slug over 80 characters', () => {
    const base = `${'a'.repeat(39)}-${'b'.repeat(40)}`;
    expect(base.length).toBe(80);
    const taken = new Set([base]);
    for (let n = 2; n <= 12; n++) {
      const next = uniqueSlug(base, (s) => taken.has(s));
      expect(next.length).toBeLessThanOrEqual(80);
      expect(next.endsWith(`-${n}`)).toBe(true);
      expect(isValidSlug(next)).toBe(true);
      taken.add(next);
    }
  });
});

describe('isValidSlug', () => {
  test.each(['a', 'a-b', 'a1-2b', '2014'])('%s is valid', (s) => expect(isValidSlug(s)).toBe(true));
  test.each(['', '-a', 'a-', 'a--b', 'A', 'é', 'a_b', '../x', 'a/b', 'a b', 'a'.repeat(81)])('%j is not', (s) => expect(isValidSlug(s)).toBe(false));
});
