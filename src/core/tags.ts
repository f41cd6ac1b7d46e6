import { tagKey } from './filters.js';

/**
 * Tags as a post keeps them: trimmed, inner white space folded to one space, empty ones
 * dropped, each once whatever its case (tagKey decides; the first spelling wins).
 */
export function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.replace(/\s+/gu, ' ').trim();
    const key = tagKey(tag);
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}
