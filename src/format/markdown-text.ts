import { createRequire } from 'node:module';
import type MarkdownItClass from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

/** markdown-it's single-file CommonJS build, required: loaded in 26 ms, against 75 ms for its fifty ES modules (every export that renders pays it). */
const MarkdownIt = createRequire(import.meta.url)('markdown-it') as typeof MarkdownItClass;

/**
 * Markdown as a reader sees it, in a terminal: the text without its markup. Parsed by
 * markdown-it (the parser of the exports, same options), so every escape (`\*gras\*`,
 * `\- pas une liste`), entity and emphasis comes out as the site shows it, never by guessing
 * with regular expressions. Lists keep a `-` or a number, quotes a `> `, code its lines.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** An open container: a quote, or a list item whose marker goes on its first line. */
interface Container {
  kind: 'quote' | 'item';
  marker: string;
  /** A line was written inside it already. */
  used: boolean;
  /** For an item: its rank in its list (0 for the first). */
  rank: number;
}

/** `heading` styles a heading's text (bold on a terminal); by default it is left as it is. */
export function markdownToText(source: string, style: { heading?: (text: string) => string } = {}): string {
  const tokens = md.parse(source, {});
  const out: string[] = [];
  const containers: Container[] = [];
  const lists: Array<{ ordered: boolean; next: number; items: number }> = [];
  let tight = false;
  let row: string[] | undefined;
  let tableRows = 0;
  let inHeading = false;

  const emit = (text: string, joinTight: boolean) => {
    if (out.length > 0 && !joinTight) out.push(blankLine(containers));
    text.split('\n').forEach((line) => out.push(prefix(containers) + line));
  };

  for (const token of tokens) {
    switch (token.type) {
      case 'blockquote_open':
        containers.push({ kind: 'quote', marker: '> ', used: false, rank: 0 });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: token.type === 'ordered_list_open', next: Number(token.attrGet('start') ?? 1), items: 0 });
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1]!;
        containers.push({ kind: 'item', marker: list.ordered ? `${list.next++}. ` : '- ', used: false, rank: list.items++ });
        break;
      }
      case 'blockquote_close':
      case 'list_item_close':
        containers.pop();
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'paragraph_open':
        tight = token.hidden;
        break;
      case 'heading_open':
        tight = false;
        inHeading = true;
        break;
      case 'heading_close':
        inHeading = false;
        break;
      case 'inline':
        if (row) row.push(inlineText(token.children ?? []));
        else if (inHeading) emit(style.heading ? style.heading(inlineText(token.children ?? [])) : inlineText(token.children ?? []), false);
        else emit(inlineText(token.children ?? []), tight && followsItem(containers));
        break;
      case 'fence':
      case 'code_block':
        emit(token.content.replace(/\n$/, ''), false);
        break;
      case 'hr':
        emit('———', false);
        break;
      case 'table_open':
        tableRows = 0;
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        emit(row!.join(' | '), tableRows++ > 0); // one line per row
        row = undefined;
        break;
      default:
        break;
    }
  }
  return out.join('\n');
}

/** Each line under open quotes and list items: `> `, the item's marker on its first line, then its indent. */
function prefix(containers: Container[]): string {
  let text = '';
  for (const c of containers) {
    text += c.kind === 'quote' || !c.used ? c.marker : ' '.repeat(c.marker.length);
    c.used = true;
  }
  return text;
}

/** The blank line between blocks, keeping the quote marks around it. */
function blankLine(containers: Container[]): string {
  return containers.filter((c) => c.kind === 'quote' && c.used).map(() => '>').join(' ');
}

/** In a tight list, an item's text follows the previous item's line without a blank line. */
function followsItem(containers: Container[]): boolean {
  const item = containers[containers.length - 1];
  return item?.kind === 'item' && item.rank > 0 && !item.used;
}

function inlineText(children: Token[]): string {
  let text = '';
  const links: string[] = [];
  for (const child of children) {
    switch (child.type) {
      case 'text':
      case 'code_inline':
      case 'html_inline':
        text += child.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        text += '\n';
        break;
      case 'image':
        text += child.content;
        break;
      case 'link_open':
        links.push(String(child.attrGet('href') ?? ''));
        break;
      case 'link_close': {
        const href = links.pop() ?? '';
        // The address is shown after the words, unless the words are the address.
        if (href && !text.endsWith(href) && !/^(?:#|mailto:)/.test(href)) text += ` (${href})`;
        break;
      }
      default:
        break;
    }
  }
  return text;
}
