/**
 * Plain text (a legacy page, a JSON Feed `content_text`) turned into Markdown that renders
 * as the text read, and the normalised form ids are derived from.
 */

/** A block of text: the lines of one paragraph, between blank lines. */
export type Block = string[];

/** A short line ending in `?` set directly above its paragraph: `Que disent-ils ?`. */
const SUB_HEADING_MAX_LENGTH = 80;

function isSubHeading(line: string): boolean {
  const text = line.trim();
  return text.length > 1 && text.length <= SUB_HEADING_MAX_LENGTH && text.endsWith('?');
}

/** Splits lines into paragraphs at blank lines; lines keep their text, without edge white space. */
export function splitBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let current: Block = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** Characters that would start Markdown markup inside a line. */
const INLINE_SPECIALS = /[\\`*_<[\]]|~~|&(?=#?[0-9a-z]+;)/gi;

/** Escapes a line of plain text so CommonMark shows it as written, not as markup. */
export function escapeMarkdownLine(line: string): string {
  let text = line.replace(INLINE_SPECIALS, (m) => (m === '~~' ? '\\~\\~' : `\\${m}`));
  // Markers that only mean something at the start of a line: headings, quotes, lists, rules.
  text = text
    .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
    .replace(/^([>+-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
    .replace(/^(=+\s*)$/, '\\$1')
    .replace(/^~~~/, '\\~~~')
    .replace(/^\|/, '\\|');
  return text;
}

/**
 * Lines of one paragraph joined with a CommonMark hard line break (a backslash at the end of
 * the line): the break the old page showed survives, visibly in the file, and unlike two
 * trailing spaces it is not lost by editors or by tools that trim trailing white space.
 */
function paragraphToMarkdown(lines: Block): string {
  return lines.map(escapeMarkdownLine).join('\\\n');
}

/** Paragraphs to Markdown; a short question line right above its paragraph becomes `## …`. */
export function blocksToMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.length >= 2 && isSubHeading(block[0]!)) {
      out.push(`## ${escapeMarkdownLine(block[0]!).replace(/^\\([#>+-])/, '$1')}`);
      out.push(paragraphToMarkdown(block.slice(1)));
    } else {
      out.push(paragraphToMarkdown(block));
    }
  }
  return out.join('\n\n');
}

/** Plain text to Markdown paragraphs (for feeds that give text, not HTML). */
export function plainTextToMarkdown(text: string): string {
  return blocksToMarkdown(splitBlocks(toLines(text)));
}

/** Lines of a text whatever its line ends (CRLF, CR, LF). */
export function toLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/**
 * The form a page's words are compared and hashed in: NFC, typographic quotes unified, every
 * run of white space (no-break spaces included) one space. Case, words and punctuation stay:
 * they are the content.
 */
export function normalizeWords(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[’‘ʼ]/g, "'")
    .replace(/[“”«»„]/g, '"')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A block's key for comparing the two copies of a page: trailing white space does not count. */
export function blockKey(block: Block): string {
  return block.map((line) => line.normalize('NFC').trimEnd()).join('\n');
}
