/**
 * Feed HTML to Markdown (turndown, on a real HTML parser) and to plain text (for titles and
 * summaries). Scripts, styles and embedded frames are dropped; relative links are made
 * absolute against the item's address when there is one.
 */
import TurndownService from 'turndown';

function absolute(url: string, base: string | undefined): string {
  if (!base) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

/** The part of a DOM element the rules read (the DOM types are not in this project's lib). */
interface Attributes {
  getAttribute(name: string): string | null;
}

function markdownService(base: string | undefined): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
    hr: '---',
  });
  // `noscript` and `textarea` hold text a reader sees (without JavaScript, in a form): kept.
  service.remove(['script', 'style', 'iframe', 'object', 'embed', 'form']);
  service.addRule('preformatted', {
    // A bare <pre> (no <code> inside, which turndown already fences) is code too: its lines,
    // spaces and characters kept as they are, never folded into a paragraph.
    filter: (node) => node.nodeName === 'PRE' && node.firstChild?.nodeName !== 'CODE',
    replacement: (_content, node) => {
      const code = (node.textContent ?? '').replace(/^\n/, '').replace(/\n$/, '');
      const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run: string) => run.length));
      const fence = '`'.repeat(Math.max(3, longest + 1));
      return `\n\n${fence}\n${code}\n${fence}\n\n`;
    },
  });
  service.addRule('blockText', {
    // Their text as a paragraph of its own.
    filter: ['textarea', 'noscript'],
    replacement: (content) => (content.trim() ? `\n\n${content.trim()}\n\n` : ''),
  });
  // Text that reads `<b>` in the feed stays text in Markdown, never becomes markup.
  const escapeMarkdown = service.escape.bind(service);
  service.escape = (text: string) => escapeMarkdown(text).replace(/</g, '\\<');
  service.addRule('absoluteLink', {
    filter: (node) => node.nodeName === 'A' && Boolean((node as unknown as Attributes).getAttribute('href')),
    replacement: (content, node) => {
      const element = node as unknown as Attributes;
      const href = absolute(element.getAttribute('href')!, base).replace(/[()]/g, (c) => encodeURIComponent(c));
      const title = element.getAttribute('title');
      const titlePart = title ? ` "${title.replace(/"/g, '\\"')}"` : '';
      return content.trim() ? `[${content}](${href}${titlePart})` : '';
    },
  });
  service.addRule('absoluteImage', {
    filter: 'img',
    replacement: (_content, node) => {
      const element = node as unknown as Attributes;
      const src = element.getAttribute('src');
      if (!src) return '';
      const alt = (element.getAttribute('alt') ?? '').replace(/[[\]]/g, '\\$&');
      return `![${alt}](${absolute(src, base).replace(/[()]/g, (c) => encodeURIComponent(c))})`;
    },
  });
  return service;
}

export function htmlToMarkdown(html: string, base?: string): string {
  if (!html.trim()) return '';
  return markdownService(base).turndown(html).trim();
}

let textService: TurndownService | undefined;

/** The text a reader sees in a bit of HTML: tags dropped, entities decoded, white space folded. */
export function htmlToText(html: string): string {
  if (!html.trim()) return '';
  if (!textService) {
    textService = new TurndownService();
    textService.escape = (text: string) => text;
    textService.remove(['script', 'style', 'iframe', 'noscript']);
    textService.addRule('textOnly', {
      filter: () => true,
      replacement: (content, node) => (/^(P|DIV|BR|LI|H[1-6]|BLOCKQUOTE|TR)$/.test(node.nodeName) ? ` ${content} ` : content),
    });
  }
  return textService.turndown(html).replace(/\s+/gu, ' ').trim();
}
