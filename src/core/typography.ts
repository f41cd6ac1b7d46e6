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
const WWW = /www\./i;
const MAILTO = /mailto:/i;

/** Every URL_IN_TEXT match holds `://`, `www.` or `mailto:`: a text without them has no URL (most texts). */
function mayHoldUrl(text: string): boolean {
  if (text.includes(':') && (text.includes('://') || MAILTO.test(text))) return true;
  return WWW.test(text);
}

const SPACE = ' \u00A0\u202F';
/** Before `;!?` a space is added after a word, a digit or a closing mark, not after another `!?;`, an opening bracket or a dash. */
const NO_SPACE_AFTER = `\\s!?;:«(\\[{'"‘“’—–\\-/\\\\`;
/** ...and only when a word does not go on right after the mark (`?!` and `5!2` are left alone). */
const WORD_ENDS = `\\s!?;:.,…»)\\]"’”`;
const APOSTROPHE = /'/g;
// An existing space (normal or not) before ; ! ? » becomes one narrow no-break space.
const SPACED_MARK = new RegExp(`[${SPACE}]+([;!?»])`, 'g');
// (The mark is matched first and what comes before it checked after: a regular expression that starts with
// a plain character is found quickly; one that starts with a lookbehind is tried at every position.)
const UNSPACED_MARK = new RegExp(`([;!?])(?<=[^${NO_SPACE_AFTER}][;!?])(?=[${WORD_ENDS}]|$)`, 'g');
const UNSPACED_CLOSING_QUOTE = new RegExp(`»(?<=[^${SPACE}«]»)`, 'g');
// Before a colon: a no-break space; one is added after a letter or a closing mark when a space follows (`Note: x`, never `12:30`).
const SPACED_COLON = /[ \u00A0]+:/g;
const UNSPACED_COLON = /:(?<=[\p{L})\]»"’”]:)(?=\s|$)/gu;
// After « : one narrow no-break space, in place of the spaces there.
const OPENING_QUOTE = new RegExp(`«[${SPACE}]+|«(?=[^${SPACE}])`, 'g');
const WANTS_SPACE_AFTER = new RegExp(`[^${NO_SPACE_AFTER}]`);
const ENDS_WORD = new RegExp(`[${WORD_ENDS}]`);

/**
 * The rules, in this order, each only when its mark is in the text. They add only no-break
 * spaces and turn `'` into `’`, so which marks a text holds is known once, before the first.
 */
function fixSegment(text: string, before: string | undefined): string {
  let out = text;
  const semi = out.includes(';');
  const bang = out.includes('!');
  const question = out.includes('?');
  const closing = out.includes('»');
  if (out.includes("'")) out = out.replace(APOSTROPHE, '’');
  if (semi || bang || question || closing) out = out.replace(SPACED_MARK, `${NNBSP}$1`);
  if (semi || bang || question) out = out.replace(UNSPACED_MARK, `${NNBSP}$1`);
  if (closing) out = out.replace(UNSPACED_CLOSING_QUOTE, `${NNBSP}»`);
  if (out.includes(':')) out = out.replace(SPACED_COLON, `${NBSP}:`).replace(UNSPACED_COLON, `${NBSP}:`);
  if (out.includes('«')) out = out.replace(OPENING_QUOTE, `«${NNBSP}`);
  // The first mark of a text node follows the previous node's last character.
  if (before !== undefined && before !== '' && out !== '') {
    const c = out[0]!;
    const next = out[1];
    if (c === '»' ? before !== '«' && !SPACE.includes(before) : (c === ';' || c === '!' || c === '?') && WANTS_SPACE_AFTER.test(before) && (next === undefined || ENDS_WORD.test(next))) out = NNBSP + out;
    else if (c === ':' && /\p{L}|[)\]»"’”]/u.test(before) && (next === undefined || /\s/.test(next))) out = NBSP + out;
  }
  return out;
}

/**
 * French typography for one run of text. `before` is the character that comes right before
 * it on the page (the end of the previous text node), so `**Oui**!` gets its space too.
 */
export function frenchTypography(text: string, before?: string): string {
  if (!QUICK.test(text)) return text;
  if (!mayHoldUrl(text)) return fixSegment(text, before);
  URL_IN_TEXT.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = URL_IN_TEXT.exec(text); m !== null; m = URL_IN_TEXT.exec(text)) {
    out += fixSegment(text.slice(last, m.index), last === 0 ? before : out[out.length - 1]) + m[0];
    last = m.index + m[0].length;
  }
  return out + fixSegment(text.slice(last), last === 0 ? before : out[out.length - 1]);
}
