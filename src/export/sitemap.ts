import { escapeXml as x } from './text.js';

/** `sitemap.xml` (https://www.sitemaps.org/protocol.html) and the `robots.txt` that points at it. */

export interface SitemapUrl {
  /** Absolute URL. */
  loc: string;
  /** W3C date-time with its offset: the newest change on the page. */
  lastmod?: string;
}

/** One `<url>` per page, in the order given (the export's order: stable run to run); `escaped` when every loc already is. */
export function sitemapXml(urls: readonly SitemapUrl[], escaped = false): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n';
  for (let i = 0; i < urls.length; i++) {
    const u = urls[i]!;
    xml += `<url><loc>${escaped ? u.loc : x(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>\n`;
  }
  return `${xml}</urlset>\n`;
}

/** Every robot may read every page; the sitemap's absolute URL on its own line. */
export function robotsTxt(sitemapUrl: string): string {
  return `User-agent: *\nDisallow:\n\nSitemap: ${sitemapUrl}\n`;
}
