import { findDuplicates } from '../../src/core/dedupe/index.js';
import { checkPost, type Post } from '../../src/core/post.js';
import { addPairs, generateCorpus, truePairs, type LabelledPost } from '../fixtures/dedupe/corpus.js';

/**
 * Pair precision and recall of `news dedupe` at the default threshold on a labelled corpus
 * made by a seeded generator: copies (exact, cosmetic, one sentence changed, short posts)
 * and hard negatives (same title, same first paragraph, templates filled in differently).
 */

function asPosts(corpus: LabelledPost[]): Post[] {
  return corpus.map(({ post }) => {
    const checked = checkPost(post);
    if (!checked.ok) throw new Error(`generated post ${post.slug} is invalid: ${JSON.stringify(checked.problems)}`);
    return checked.post;
  });
}

const measured = new Map<number, ReturnType<typeof measureOnce>>();
function measure(seed: number) {
  if (!measured.has(seed)) measured.set(seed, measureOnce(seed));
  return measured.get(seed)!;
}

function measureOnce(seed: number) {
  const corpus = generateCorpus({ seed, originals: 220 });
  const findings = findDuplicates(asPosts(corpus), { threshold: 0.9, timeZone: 'Europe/Paris' });
  const predicted = new Set<string>();
  for (const g of findings.groups) addPairs([g.keep, ...g.duplicates.map((d) => d.slug)], predicted);
  const truth = truePairs(corpus);
  const hits = [...predicted].filter((p) => truth.has(p)).length;
  const roles = new Map(corpus.map((c) => [c.post.slug, c.role]));
  const wrong = [...predicted].filter((p) => !truth.has(p)).map((p) => p.split(' ').map((s) => `${s} (${roles.get(s)})`).join(' + '));
  const missed = [...truth].filter((p) => !predicted.has(p)).map((p) => p.split(' ').map((s) => `${s} (${roles.get(s)})`).join(' + '));
  return {
    corpus,
    findings,
    precision: predicted.size === 0 ? 1 : hits / predicted.size,
    recall: truth.size === 0 ? 1 : hits / truth.size,
    truth: truth.size,
    predicted: predicted.size,
    wrong,
    missed,
  };
}

test.each([1, 2])('precision ≥ 0.99 and recall ≥ 0.97 at threshold 0.9 (seed %i)', (seed) => {
  const r = measure(seed);
  console.log(
    `dedupe, corpus seed ${seed}: ${r.corpus.length} posts, ${r.truth} true pairs, ${r.predicted} found; ` +
      `precision ${r.precision.toFixed(4)}, recall ${r.recall.toFixed(4)}, ${r.findings.candidates} candidate pairs measured` +
      (r.wrong.length ? `\nwrongly merged: ${r.wrong.slice(0, 5).join('; ')}` : '') +
      (r.missed.length ? `\nmissed: ${r.missed.slice(0, 5).join('; ')}` : ''),
  );
  expect(r.truth).toBeGreaterThan(150);
  expect(r.precision).toBeGreaterThanOrEqual(0.99);
  expect(r.recall).toBeGreaterThanOrEqual(0.97);
});

test('hard negatives are never merged, with anything', () => {
  const { corpus, findings } = measure(1);
  const role = new Map(corpus.map((c) => [c.post.slug, c.role]));
  const merged = findings.groups.flatMap((g) => [g.keep, ...g.duplicates.map((d) => d.slug)]);
  const negatives = merged.filter((slug) => /même titre|même premier|modèle|court distinct/.test(role.get(slug)!));
  expect(negatives).toEqual([]);
  // The corpus does hold them.
  expect(corpus.filter((c) => c.role.startsWith('modèle')).length).toBe(36);
  expect(corpus.some((c) => c.role === 'même titre, autre texte')).toBe(true);
  expect(corpus.some((c) => c.role === 'même premier paragraphe, puis autre texte')).toBe(true);
});

test('copies with one sentence changed are found as near duplicates, the others as exact', () => {
  const { corpus, findings } = measure(2);
  const role = new Map(corpus.map((c) => [c.post.slug, c.role]));
  const entries = findings.groups.flatMap((g) => g.duplicates.map((d) => ({ ...d, role: role.get(d.slug)!, keepRole: role.get(g.keep)! })));
  const changed = entries.filter((e) => e.role.includes('une phrase changée') && e.keepRole === 'original');
  expect(changed.length).toBeGreaterThan(10);
  for (const e of changed) {
    expect(e.kind).toBe('near');
    expect(e.similarity).toBeGreaterThanOrEqual(0.9);
    expect(e.similarity).toBeLessThan(1);
  }
  const cosmetic = entries.filter((e) => !e.role.includes('une phrase changée') && e.keepRole === 'original' && e.role.startsWith('copie'));
  expect(cosmetic.length).toBeGreaterThan(10);
  for (const e of cosmetic) expect(e).toMatchObject({ kind: 'exact', similarity: 1 });
});

test('not every pair is compared: candidates come from LSH buckets', () => {
  const { corpus, findings } = measure(1);
  const everyPair = (corpus.length * (corpus.length - 1)) / 2;
  console.log(`dedupe: ${findings.candidates} candidate pairs measured out of ${everyPair} pairs`);
  expect(findings.candidates).toBeLessThan(everyPair / 50);
});
