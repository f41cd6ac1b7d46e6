/**
 * Rules on site settings shared by every reader of site.json (`validate`, `list`, the exports…):
 * one definition, so `validate` never accepts what an export then refuses.
 */

/** `https://x.fr/actualites` → `https://x.fr/actualites/`; undefined when not an absolute http(s) URL. */
export function normalizeBaseUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname) return undefined;
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Why a baseUrl is refused (French), for site.json and --base-url alike. */
export const BASE_URL_REASON = 'doit être une adresse http(s) absolue (ex. https://exemple.fr/actualites/)';
