/* global hexo */
// A redirect page at each alias (news and Hugo make them too).
'use strict';
hexo.extend.generator.register('bench-aliases', (locals) => {
  const pages = [];
  locals.posts.forEach((post) => {
    for (const alias of post.aliases || []) {
      const target = hexo.extend.helper.get('full_url_for').call(hexo, post.path);
      pages.push({
        path: `${alias}/index.html`,
        data: `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${post.title}</title><link rel="canonical" href="${target}"><meta http-equiv="refresh" content="0; url=${target}"></head><body></body></html>\n`,
      });
    }
  });
  return pages;
});
