import { distance } from 'fastest-levenshtein';
import { FIELD_ORDER } from './post.js';

/** A key written twice in one JSON object: JSON.parse keeps the last silently, so it is looked for in the text. */
export interface DuplicateKey {
  key: string;
  /** Where the second one starts (1-based). */
  line: number;
  column: number;
  /** The object's place, `(racine)` or `tags[2]`-like, for the message. */
  path: string;
}

/**
 * The keys given twice in one object of a JSON text that JSON.parse accepted. One pass over
 * the characters, strings skipped with their escapes; a text without two equal keys costs no
 * more than reading it.
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // One frame per open object or array: the keys seen (objects), the path, the current key or index.
  const stack: Array<{ keys?: Set<string>; path: string; member: string }> = [];
  let line = 1;
  let lineStart = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 34) {
      const start = i;
      let j = i + 1;
      let hasEscape = false;
      while (j < text.length && text.charCodeAt(j) !== 34) {
        if (text.charCodeAt(j) === 92) {
          hasEscape = true;
          j++;
        }
        j++;
      }
      i = j;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = hasEscape ? (JSON.parse(text.slice(start, j + 1)) as string) : text.slice(start + 1, j);
        if (top.keys.has(key)) found.push({ key, line, column: start - lineStart + 1, path: top.path || '(racine)' });
        top.keys.add(key);
        top.member = key;
        expectKey = false;
      }
    } else if (c === 123 || c === 91) {
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? '' : parent.keys ? (parent.path ? `${parent.path}.${parent.member}` : parent.member) : `${parent.path}[${parent.member}]`;
      stack.push(c === 123 ? { keys: new Set(), path, member: '' } : { path, member: '0' });
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectKey = false;
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.member = String(Number(top.member) + 1);
    }
  }
  return found;
}

/** Top-level keys a post may have besides FIELD_ORDER. */
const OTHER_KNOWN_KEYS = ['dedupe'];

/**
 * The known key an unknown top-level key is probably a misspelling of (`summry` → `summary`,
 * `Title` → `title`), or undefined when it looks like a field of its own.
 */
export function misspeltKey(key: string): string | undefined {
  const known = [...FIELD_ORDER, ...OTHER_KNOWN_KEYS] as string[];
  if (known.includes(key)) return undefined;
  const lower = key.toLowerCase().replace(/[_-]/g, '');
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = lower === name.toLowerCase() ? 0 : distance(lower, name.toLowerCase());
    if (best === undefined || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  // One slip per four letters at most: `tag` → `tags`, `summry` → `summary`, not `note` → `date`.
  return best.d <= Math.max(1, Math.floor(best.name.length / 4)) ? best.name : undefined;
}
