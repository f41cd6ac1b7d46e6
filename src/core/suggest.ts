import { distance } from 'fastest-levenshtein';

/** The known slugs nearest to an unknown one: shared words count, then edit distance. */
export function nearestSlugs(wanted: string, known: Iterable<string>, count = 3): string[] {
  const wantedWords = new Set(wanted.split('-').filter(Boolean));
  const scored: Array<{ slug: string; score: number }> = [];
  for (const slug of known) {
    const words = slug.split('-');
    const shared = words.filter((w) => wantedWords.has(w)).length;
    const contains = slug.includes(wanted) || wanted.includes(slug) ? 1 : 0;
    const d = distance(wanted, slug) / Math.max(wanted.length, slug.length, 1);
    const score = d - 0.3 * shared / Math.max(wantedWords.size, 1) - 0.3 * contains;
    if (score < 0.7) scored.push({ slug, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.slug < b.slug ? -1 : 1));
  return scored.slice(0, count).map((s) => s.slug);
}
