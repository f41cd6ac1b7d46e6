/** The site's one stylesheet: readable on a phone and on a desktop, light and dark, no web fonts. */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --text: #1d1d1f;
  --muted: #5f6368;
  --accent: #0b57d0;
  --line: #d9dce1;
  --back: #ffffff;
}
@media (prefers-color-scheme: dark) {
  :root { --text: #e8eaed; --muted: #a8adb4; --accent: #8ab4f8; --line: #3c4043; --back: #16171a; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--back);
  color: var(--text);
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  overflow-wrap: break-word;
}
.site-header, main, .site-footer { max-width: 42rem; margin: 0 auto; padding: 0 1rem; }
.site-header { padding-top: 1.5rem; padding-bottom: 0.5rem; border-bottom: 1px solid var(--line); }
.site-title { margin: 0; font-size: 1.5rem; line-height: 1.25; }
.site-title a { color: inherit; text-decoration: none; }
.site-description { margin: 0.25rem 0 0; color: var(--muted); }
main { padding-top: 1rem; padding-bottom: 2rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0; }
h2 { font-size: 1.35rem; line-height: 1.3; }
a { color: var(--accent); }
.entry { padding: 1rem 0; border-bottom: 1px solid var(--line); }
.entry h2 { margin: 0 0 0.25rem; }
.entry h2 a { text-decoration: none; }
.entry h2 a:hover, .entry h2 a:focus { text-decoration: underline; }
.meta { margin: 0 0 0.5rem; color: var(--muted); font-size: 0.95rem; }
.summary, .lead { margin: 0.25rem 0; }
.lead { font-size: 1.1rem; }
.tags { list-style: none; margin: 0.5rem 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.tags a { display: inline-block; padding: 0.05rem 0.6rem; border: 1px solid var(--line); border-radius: 999px; font-size: 0.85rem; text-decoration: none; }
.content img { max-width: 100%; height: auto; }
.content pre { overflow-x: auto; padding: 0.75rem; border: 1px solid var(--line); border-radius: 0.4rem; }
.content blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
.content table { border-collapse: collapse; display: block; overflow-x: auto; }
.content th, .content td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; }
.pagination, .post-nav { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.75rem; margin: 1.5rem 0 0; }
.pagination .current { color: var(--muted); }
.site-footer { padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; }
.site-footer ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; }
@media (min-width: 48rem) {
  body { font-size: 1.125rem; }
  h1 { font-size: 2.1rem; }
}
`;
