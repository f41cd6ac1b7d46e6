import { tagKey } from './filters.js';
import type { Post } from './post.js';

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

export interface TagCount {
  /** The most used spelling (the first seen on a tie). */
  tag: string;
  /** Posts carrying it, drafts included. */
  count: number;
  /** Of which published. */
  published: number;
  /** Every spelling in use, most used first. */
  spellings: string[];
}

let collator: Intl.Collator | undefined;

/** Every tag with its post count, spellings of one tag counted together, in French order. */
export function countTags(posts: ReadonlyArray<Pick<Post, 'tags' | 'status'>>): TagCount[] {
  const groups = new Map<string, { count: number; published: number; spellings: Map<string, number> }>();
  for (const post of posts) {
    const seen = new Set<string>();
    for (const tag of post.tags) {
      const key = tagKey(tag);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { count: 0, published: 0, spellings: new Map() }));
      group.count++;
      if (post.status === 'published') group.published++;
      const spelling = tag.replace(/\s+/gu, ' ').trim();
      group.spellings.set(spelling, (group.spellings.get(spelling) ?? 0) + 1);
    }
  }
  collator ??= new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
  return [...groups.values()]
    .map((g) => {
      const spellings = [...g.spellings.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
      return { tag: spellings[0]!, count: g.count, published: g.published, spellings };
    })
    .sort((a, b) => collator!.compare(a.tag, b.tag) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
