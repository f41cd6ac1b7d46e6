import type { Post } from '../core/post.js';
import { formatRfc3339 } from './dates.js';
import { buildModel, feedView, type ExportOptions, type FeedView, type SiteSettings } from './model.js';

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1); keys in a fixed order, 2-space indentation. */
export function jsonFeedDocument(view: FeedView): string {
  const { model } = view;
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: view.title,
    home_page_url: view.homeUrl,
    feed_url: view.selfUrl,
    ...(view.description ? { description: view.description } : {}),
    language: model.language,
    ...(model.author ? { authors: [{ name: model.author }] } : {}),
    items: view.entries.map((entry) => {
      const body = entry.body();
      const summary = entry.lead();
      return {
        id: entry.guid,
        url: entry.url,
        title: entry.title,
        content_html: body.html,
        ...(summary ? { summary } : {}),
        date_published: formatRfc3339(entry.instant, model.timeZone),
        date_modified: formatRfc3339(entry.updated, model.timeZone),
        ...(entry.author ? { authors: [{ name: entry.author }] } : {}),
        ...(entry.tags.length > 0 ? { tags: entry.tags.map((t) => t.name) } : {}),
      };
    }),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

export function renderJsonFeed(site: SiteSettings, posts: readonly Post[], options: ExportOptions): string {
  return jsonFeedDocument(feedView(buildModel(site, posts, options), 'json', options));
}
