/**
 * Text made safe for XML and HTML. Every string taken from content or settings goes through
 * `cleanText` once; every string put into markup goes through `escapeXml`/`escapeHtml`.
 */

/**
 * Characters XML 1.0 forbids (C0 controls except tab, LF, CR; U+FFFE, U+FFFF; lone surrogates),
 * plus DEL and the C1 controls, which HTML treats as parse errors and no reader can show.
 * Matched on UTF-16 code units (no `u` flag) so lone surrogates are seen.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Drops the characters XML 1.0 forbids (and C1 controls); CRLF and CR become LF. */
export function cleanText(text: string): string {
  let out = HAS_FORBIDDEN.test(text) ? text.replace(FORBIDDEN, '') : text;
  if (out.includes('\r')) out = out.replace(/\r\n?/g, '\n');
  return out;
}

/** A one-line value (title, tag, author, summary): cleaned, runs of white space made one space, trimmed. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;

/**
 * Escapes text for element content and double- or single-quoted attributes. `>` is always
 * escaped, so `]]>` can never end up in a document.
 */
export function escapeXml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : text;
}

/** The same escaping serves HTML: text and attribute values. */
export const escapeHtml = escapeXml;
