import { createRequire } from 'node:module';
import type MarkdownItClass from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { frenchTypography } from '../core/typography.js';

/** markdown-it's single-file CommonJS build, required: loaded in 26 ms, against 75 ms for its fifty ES modules (every export that renders pays it). */
const MarkdownIt = createRequire(import.meta.url)('markdown-it') as typeof MarkdownItClass;

/**
 * Markdown (CommonMark) to HTML with markdown-it: raw HTML is escaped (`html: false`),
 * dangerous link schemes are refused by markdown-it's own check, links and images are made
 * absolute against the post's permalink, and headings are shifted under the page title.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

type RenderEnv = Record<PropertyKey, unknown> & { base?: string };

function absolute(url: string, base: string | undefined): string {
  if (base === undefined) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = token.attrGet('href');
  if (typeof href === 'string') token.attrSet('href', absolute(href, (env as RenderEnv | undefined)?.base));
  return defaultLinkOpen(tokens, idx, options, env, self);
};

const defaultImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const src = token.attrGet('src');
  if (typeof src === 'string') token.attrSet('src', absolute(src, (env as RenderEnv | undefined)?.base));
  return defaultImage(tokens, idx, options, env, self);
};

/**
 * On a phone, tables and code blocks scroll inside their own box (the page never widens);
 * the box takes the keyboard focus so it can be scrolled without a mouse (WCAG 2.1.1).
 */
md.renderer.rules.table_open = () => '<div class="table-scroll" tabindex="0" role="region" aria-label="Tableau">\n<table>\n';
md.renderer.rules.table_close = () => '</table>\n</div>\n';
for (const rule of ['fence', 'code_block'] as const) {
  const render = md.renderer.rules[rule]!;
  md.renderer.rules[rule] = (tokens, idx, options, env, self) => render(tokens, idx, options, env, self).replace(/^<pre>/, '<pre tabindex="0">');
}

/**
 * The page title is the only `h1`: the body's highest heading level becomes `h2` and no
 * level is skipped (`##` then `####` become `h2` then `h3`), so the outline stays valid.
 */
function shiftHeadings(tokens: Token[]): void {
  let top = 7;
  for (const token of tokens) if (token.type === 'heading_open') top = Math.min(top, Number(token.tag.slice(1)));
  if (top === 7) return;
  const stack: string[] = [];
  let previous = 1;
  for (const token of tokens) {
    if (token.type === 'heading_open') {
      const level = Math.min(Number(token.tag.slice(1)) - top + 2, previous + 1, 6);
      token.tag = `h${level}`;
      stack.push(token.tag);
      previous = level;
    } else if (token.type === 'heading_close') {
      token.tag = stack.pop() ?? token.tag;
    }
  }
}

/**
 * French typography on the text nodes of the body only: never in code spans, fenced or
 * indented code, URLs (autolinks show their URL as text), or attributes (an image's alt
 * text comes from its children, which are left alone). Each text node knows the character
 * before it, so `**Oui**!` gets its space.
 */
function typesetText(tokens: Token[]): void {
  for (const token of tokens) {
    if (token.type !== 'inline' || !token.children) continue;
    let last: string | undefined;
    let inAutolink = false;
    for (const child of token.children) {
      if (child.type === 'link_open' && child.markup === 'autolink') inAutolink = true;
      else if (child.type === 'link_close' && inAutolink) inAutolink = false;
      else if (child.type === 'text' && !inAutolink) child.content = frenchTypography(child.content, last);
      else if (child.type === 'softbreak' || child.type === 'hardbreak') last = ' ';
      if (child.content) last = child.content[child.content.length - 1];
    }
  }
}

/** First paragraph as plain text, cut near `max` characters at a word boundary. */
function excerptOf(tokens: Token[], max: number): string {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type !== 'paragraph_open') continue;
    const inline = tokens[i + 1];
    if (!inline || inline.type !== 'inline') continue;
    let text = '';
    for (const child of inline.children ?? []) {
      if (child.type === 'text' || child.type === 'code_inline') text += child.content;
      else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
      else if (child.type === 'image') text += child.content;
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (text.length <= max) return text;
    const cut = text.slice(0, max);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
  }
  return '';
}

export interface RenderedBody {
  html: string;
  /** The first paragraph as plain text, for index pages and feed descriptions without a summary. */
  excerpt: string;
}

/** Parses the body once and renders it; `base` is the post's absolute permalink. */
export function renderBody(markdown: string, base: string): RenderedBody {
  const env: RenderEnv = { base };
  const tokens = md.parse(markdown, env);
  shiftHeadings(tokens);
  typesetText(tokens);
  return { html: md.renderer.render(tokens, md.options, env), excerpt: excerptOf(tokens, 280) };
}
