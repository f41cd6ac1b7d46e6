import { tagKey } from '../filters.js';
import type { Post } from '../post.js';
import { collapseRepeatedBlocks } from './repeated.js';
import type { DedupeFindings } from './find.js';

/** What `news dedupe --apply` will do, decided before anything is written. */
export interface MergePlan {
  /** Posts rewritten: a kept post (merged) or a post whose repeated blocks are collapsed. */
  rewrites: Array<{ slug: string; reason: 'merge' | 'collapse'; post: Post }>;
  /** Posts moved to the trash, merged into `into`. */
  trash: Array<{ slug: string; into: string }>;
}

/** Tags of all posts, in order, without a second copy differing only in case. */
export function unionTags(lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const tag of list) {
      const key = tagKey(tag);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(tag);
    }
  }
  return out;
}

/**
 * The kept post after its group is merged into it: the views of the group summed, the tags
 * united, the removed slugs and their own aliases added to `aliases`, a summary borrowed when
 * the kept post has none. Everything else is the kept post's own (unknown fields included).
 */
export function mergeGroup(keep: Post, removed: Post[]): Post {
  const aliases: string[] = [];
  const seen = new Set<string>([keep.slug]);
  for (const alias of [...keep.aliases, ...removed.flatMap((p) => [p.slug, ...p.aliases])]) {
    if (seen.has(alias)) continue;
    seen.add(alias);
    aliases.push(alias);
  }
  const summary = keep.summary ?? removed.find((p) => p.summary !== undefined)?.summary;
  return {
    ...keep,
    ...(summary !== undefined ? { summary } : {}),
    views: removed.reduce((sum, p) => sum + p.views, keep.views),
    tags: unionTags([keep.tags, ...removed.map((p) => p.tags)]),
    aliases,
  };
}

/** Turns findings into the rewrites and moves `--apply` makes. `updatedAt` is stamped on rewritten posts. */
export function buildMergePlan(findings: DedupeFindings, posts: Map<string, Post>, updatedAt: string): MergePlan {
  const plan: MergePlan = { rewrites: [], trash: [] };
  const collapsing = new Map(findings.repeated.map((r) => [r.slug, r]));
  const rewritten = new Set<string>();
  for (const group of findings.groups) {
    const keep = posts.get(group.keep)!;
    const removed = group.duplicates.map((d) => posts.get(d.slug)!);
    let merged = mergeGroup(keep, removed);
    if (collapsing.has(keep.slug)) merged = { ...merged, body: collapseRepeatedBlocks(keep.body).body };
    plan.rewrites.push({ slug: keep.slug, reason: 'merge', post: { ...merged, updatedAt } });
    rewritten.add(keep.slug);
    for (const d of group.duplicates) plan.trash.push({ slug: d.slug, into: keep.slug });
  }
  for (const entry of findings.repeated) {
    if (rewritten.has(entry.slug)) continue;
    const post = posts.get(entry.slug)!;
    plan.rewrites.push({ slug: entry.slug, reason: 'collapse', post: { ...post, body: collapseRepeatedBlocks(post.body).body, updatedAt } });
  }
  return plan;
}

export function isEmptyPlan(plan: MergePlan): boolean {
  return plan.rewrites.length === 0 && plan.trash.length === 0;
}
