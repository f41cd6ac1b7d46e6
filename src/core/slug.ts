export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 80;

export function isValidSlug(value: string): boolean {
  return value.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(value);
}

/** Letters that NFD does not split into a base letter and an accent. */
const SPELLED_OUT: Record<string, string> = {
  œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D',
  ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D', ı: 'i', ﬁ: 'fi', ﬂ: 'fl', ﬀ: 'ff',
};

/** Folds accents and spells out ligatures: `L’œuvre de Cæsar` → `L’oeuvre de Caesar`. */
export function foldAccents(text: string): string {
  return text
    .replace(/[œŒæÆßøØđĐłŁþÞðÐıﬁﬂﬀ]/g, (c) => SPELLED_OUT[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

/**
 * A slug from a title: accents folded, ligatures spelled out, every run of other characters
 * turned into one hyphen, at most 80 characters cut at a word boundary when possible.
 */
export function slugify(title: string): string {
  let slug = foldAccents(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length > SLUG_MAX_LENGTH) {
    const cut = slug.slice(0, SLUG_MAX_LENGTH + 1);
    const lastHyphen = cut.lastIndexOf('-');
    slug = (lastHyphen > SLUG_MAX_LENGTH / 2 ? cut.slice(0, lastHyphen) : cut.slice(0, SLUG_MAX_LENGTH)).replace(/-+$/, '');
  }
  return slug;
}

/** `base`, else `base-2`, `base-3`, … : the first one `taken` says is free (kept within 80 characters). */
export function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const stem = base.slice(0, SLUG_MAX_LENGTH - suffix.length).replace(/-+$/, '');
    const candidate = `${stem}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
}
