/* global hexo */
// feed.json (JSON Feed 1.1) at the root, as news export html writes one; hexo-generator-feed has none.
'use strict';
hexo.extend.generator.register('bench-jsonfeed', (locals) => {
  const fullUrl = hexo.extend.helper.get('full_url_for').bind(hexo);
  const items = locals.posts.sort('-date').limit(20).map((post) => ({
    id: post.id || fullUrl(post.path),
    url: fullUrl(post.path),
    title: post.title,
    content_html: post.content,
    date_published: post.date.toISOString(),
    tags: post.tags.map((tag) => tag.name),
  }));
  const feed = { version: 'https://jsonfeed.org/version/1.1', title: hexo.config.title, home_page_url: fullUrl('/'), feed_url: fullUrl('feed.json'), items };
  return { path: 'feed.json', data: JSON.stringify(feed) };
});
