/**
 * French typography for text that readers see (Imprimerie nationale rules, as the SPEC
 * sets them): a narrow no-break space (U+202F) before `;` `!` `?` `»` and after `«`, a
 * no-break space (U+00A0) before `:`, and the typographic apostrophe `’` for `'`.
 *
 * Pure and idempotent. It takes plain text (a title, a tag, one text node of a body): never
 * markup, code, or an attribute. URLs inside the text (`https://…`, `www.…`, `mailto:…`) are
 * left exactly as they are, and so is `12:30`.
 */

export const NNBSP = '\u202F';
export const NBSP = '\u00A0';

/** A URL written in text: left alone, colons, question marks and apostrophes included. */
const URL_IN_TEXT = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.|mailto:)[^\s<>"«»]*[^\s<>"«».,;:!?)\]]/gi;

const QUICK = /['«»;:!?]/;

/** Spaces that a rule turns into a no-break one (a normal space, a no-break space, a narrow one). */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === NBSP || c === NNBSP;
}

/** Before `;!?»` a space is added after a word, a digit or a closing mark, not after another `!?;` or an opening bracket. */
function wantsSpaceAfter(c: string | undefined): boolean {
  if (c === undefined || c === '') return false;
  return !/[\s!?;:«(\[{'"‘“’—–\-/\\]/.test(c);
}

/** After the mark, a space is added only when a word does not go on (`?!`, `5!2` are left). */
function endsWord(c: string | undefined): boolean {
  return c === undefined || /[\s!?;:.,…»)\]"’”]/.test(c);
}

function fixSegment(text: string, before: string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const prev = i === 0 ? before : out[out.length - 1];
    if (c === "'") {
      out += '’';
      continue;
    }
    if (c === ';' || c === '!' || c === '?' || c === '»') {
      if (isSpace(prev)) out = out.slice(0, -1) + NNBSP;
      else if (prev === undefined && i === 0) { /* the space, if any, is in the text before */ }
      else if (c === '»' ? prev !== '«' : wantsSpaceAfter(prev) && endsWord(text[i + 1])) out += NNBSP;
      out += c;
      continue;
    }
    if (c === ':') {
      const next = text[i + 1];
      if (isSpace(prev)) out = out.slice(0, -1) + NBSP;
      // `Note: voici` gets its space; `12:30`, `a:b`, `::` do not.
      else if (prev !== undefined && /\p{L}|[)\]»"’”]/u.test(prev) && (next === undefined || /\s/.test(next))) out += NBSP;
      out += c;
      continue;
    }
    if (c === '«') {
      out += c;
      const next = text[i + 1];
      if (isSpace(next)) {
        out += NNBSP;
        i++;
      } else if (next !== undefined) {
        out += NNBSP;
      }
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * French typography for one run of text. `before` is the character that comes right before
 * it on the page (the end of the previous text node), so `**Oui**!` gets its space too.
 */
export function frenchTypography(text: string, before?: string): string {
  if (!QUICK.test(text)) return text;
  URL_IN_TEXT.lastIndex = 0;
  if (!URL_IN_TEXT.test(text)) return fixSegment(text, before);
  URL_IN_TEXT.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = URL_IN_TEXT.exec(text); m !== null; m = URL_IN_TEXT.exec(text)) {
    out += fixSegment(text.slice(last, m.index), last === 0 ? before : out[out.length - 1]) + m[0];
    last = m.index + m[0].length;
  }
  return out + fixSegment(text.slice(last), out[out.length - 1]);
}
