/** Display width: combining marks take no column, most East Asian wide characters and emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0)!;
    if (/\p{M}/u.test(char) || code === 0x200b || code === 0xfe0f) continue;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

export type Align = 'left' | 'right';

export interface Column {
  align?: Align;
  /** Cut cells wider than this with `…`. */
  maxWidth?: number;
  /** Applied after padding, so colour codes never upset the alignment. */
  style?: (text: string) => string;
}

function truncate(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  for (const char of text) {
    if (displayWidth(out + char) > maxWidth - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Lines of aligned columns separated by two spaces; no trailing spaces. */
export function renderTable(rows: string[][], columns: Column[]): string[] {
  const cells = rows.map((row) =>
    row.map((cell, i) => {
      const clean = printableText(cell.replace(/[\r\n\t]+/g, ' '));
      const max = columns[i]?.maxWidth;
      return max ? truncate(clean, max) : clean;
    }),
  );
  const widths = columns.map((_, i) => Math.max(0, ...cells.map((row) => displayWidth(row[i] ?? ''))));
  return cells.map((row) => {
    const parts = row.map((cell, i) => {
      const column = columns[i] ?? {};
      const pad = ' '.repeat(Math.max(0, widths[i]! - displayWidth(cell)));
      const isLast = i === row.length - 1;
      const padded = column.align === 'right' ? pad + cell : isLast ? cell : cell + pad;
      return column.style ? column.style(padded) : padded;
    });
    return parts.join('  ');
  });
}

/**
 * Text from a post as it may reach a terminal: control characters (escape sequences that
 * could recolour, retitle or clear the terminal, bells, carriage returns) removed; line
 * breaks and tabs kept unless `singleLine`.
 */
export function printableText(text: string, singleLine = false): string {
  const cleaned = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  return singleLine ? cleaned.replace(/[\n\t]+/g, ' ') : cleaned;
}
