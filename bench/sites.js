// The generated posts exported as a Hugo site and as a Hexo site, so the three tools build the
// same pages from the same posts: templates live in bench/hugo/ and bench/hexo/, posts are
// converted here (JSON → Markdown with YAML front matter).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const HUGO_TEMPLATE = path.join(BENCH_DIR, 'hugo');
export const HEXO_TEMPLATE = path.join(BENCH_DIR, 'hexo');

/** A YAML scalar: JSON double-quoted strings are valid YAML. */
const q = (value) => JSON.stringify(value);

function yamlList(values) {
  return `[${values.map(q).join(', ')}]`;
}

function readPosts(corpusDir) {
  const postsDir = path.join(corpusDir, 'posts');
  return fs
    .readdirSync(postsDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(fs.readFileSync(path.join(postsDir, name), 'utf8')));
}

function hashTree(dir, hash = createHash('sha256')) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    hash.update(entry.name);
    if (entry.isDirectory()) hashTree(full, hash);
    else hash.update(fs.readFileSync(full));
  }
  return hash;
}

function stampOf(corpusDir, templateDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8'));
  const sites = fs.readFileSync(fileURLToPath(import.meta.url));
  return hashTree(templateDir).update(manifest.digest).update(sites).digest('hex');
}

function copyTemplate(templateDir, siteDir, skip = () => false) {
  fs.cpSync(templateDir, siteDir, { recursive: true, filter: (src) => !skip(path.relative(templateDir, src)) });
}

function upToDate(siteDir, stamp) {
  try {
    return fs.readFileSync(path.join(siteDir, '.bench-stamp'), 'utf8') === stamp;
  } catch {
    return false;
  }
}

/** content/posts/<slug>.md with front matter; drafts marked draft, scheduled posts keep their future date. */
export function hugoPost(post) {
  const lines = ['---', `title: ${q(post.title)}`, `date: ${post.date}`, `slug: ${q(post.slug)}`, `draft: ${post.status === 'draft'}`];
  if (post.id) lines.push(`id: ${q(post.id)}`);
  if (post.author) lines.push(`author: ${q(post.author)}`);
  lines.push(`tags: ${yamlList(post.tags ?? [])}`);
  if (post.summary !== undefined) lines.push(`summary: ${q(post.summary)}`);
  lines.push(`views: ${post.views}`);
  if (post.aliases?.length) lines.push(`aliases: ${yamlList(post.aliases.map((a) => `/${a}/`))}`);
  if (post.updatedAt) lines.push(`lastmod: ${post.updatedAt}`);
  lines.push('---', '', post.body, '');
  return lines.join('\n');
}

/** source/_posts/<slug>.md (drafts in source/_drafts/) with front matter. */
export function hexoPost(post) {
  const lines = ['---', `title: ${q(post.title)}`, `date: ${post.date}`, `updated: ${post.updatedAt ?? post.date}`];
  if (post.id) lines.push(`id: ${q(post.id)}`);
  if (post.author) lines.push(`author: ${q(post.author)}`);
  lines.push(`tags: ${yamlList(post.tags ?? [])}`);
  if (post.summary !== undefined) lines.push(`summary: ${q(post.summary)}`);
  lines.push(`views: ${post.views}`);
  if (post.aliases?.length) lines.push(`aliases: ${yamlList(post.aliases)}`);
  lines.push('---', '', post.body, '');
  return lines.join('\n');
}

/** Writes (or reuses) the Hugo site for this corpus; returns its folder. */
export function writeHugoSite(corpusDir, siteDir) {
  const stamp = stampOf(corpusDir, HUGO_TEMPLATE);
  if (upToDate(siteDir, stamp)) return siteDir;
  fs.rmSync(siteDir, { recursive: true, force: true });
  copyTemplate(HUGO_TEMPLATE, siteDir);
  const out = path.join(siteDir, 'content', 'posts');
  fs.mkdirSync(out, { recursive: true });
  for (const post of readPosts(corpusDir)) fs.writeFileSync(path.join(out, `${post.slug}.md`), hugoPost(post));
  fs.writeFileSync(path.join(siteDir, '.bench-stamp'), stamp);
  return siteDir;
}

/** Writes (or reuses) the Hexo site for this corpus, its node_modules a link to the shared install. */
export function writeHexoSite(corpusDir, siteDir, depsDir) {
  const stamp = stampOf(corpusDir, HEXO_TEMPLATE);
  if (upToDate(siteDir, stamp)) return siteDir;
  fs.rmSync(siteDir, { recursive: true, force: true });
  copyTemplate(HEXO_TEMPLATE, siteDir, (rel) => rel === 'package-lock.json');
  fs.symlinkSync(path.join(depsDir, 'node_modules'), path.join(siteDir, 'node_modules'), 'dir');
  const postsDir = path.join(siteDir, 'source', '_posts');
  const draftsDir = path.join(siteDir, 'source', '_drafts');
  fs.mkdirSync(postsDir, { recursive: true });
  fs.mkdirSync(draftsDir, { recursive: true });
  for (const post of readPosts(corpusDir)) {
    fs.writeFileSync(path.join(post.status === 'draft' ? draftsDir : postsDir, `${post.slug}.md`), hexoPost(post));
  }
  fs.writeFileSync(path.join(siteDir, '.bench-stamp'), stamp);
  return siteDir;
}
