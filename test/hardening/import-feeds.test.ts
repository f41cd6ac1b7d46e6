// Issue 13, item 13: import keeps what HTML → Markdown lost (<pre> stays code, the text of
// <noscript> and <textarea> is kept), reads RSS 1.0 (RDF) and RSS 0.9x feeds, and gives an
// item without a date the feed's date, or says that neither the item nor the feed has one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNews, tempContent } from '../helpers/cli.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'news-import-feeds-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function feedFile(name: string, xml: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, xml);
  return file;
}

function posts(dir: string): Array<Record<string, unknown>> {
  return fs.readdirSync(path.join(dir, 'posts')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'posts', f), 'utf8')));
}

test('<pre> stays a code block; the text of <noscript> and <textarea> is kept', async () => {
  const html = '<p>Avant le code.</p><pre>function f() {\n    return "*pas* de Markdown";\n}</pre><noscript><p>Activez JavaScript pour voir la carte.</p></noscript><p>Votre avis :</p><textarea>Écrivez ici votre message</textarea>';
  const file = feedFile('html.xml', `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>F</title><link>https://exemple.fr/</link><description>d</description>
<item><title>Du code</title><link>https://exemple.fr/code</link><guid>https://exemple.fr/code</guid><pubDate>Tue, 29 Oct 2013 09:00:00 +0100</pubDate>
<content:encoded><![CDATA[${html}]]></content:encoded></item></channel></rss>`);
  const dir = tempContent({});
  const r = await runNews(['import', '--from', 'rss', '--dir', dir, file]);
  expect(r.code).toBe(0);
  const [post] = posts(dir);
  const body = post!.body as string;
  expect(body).toContain('```\nfunction f() {\n    return "*pas* de Markdown";\n}\n```');
  expect(body).toContain('Activez JavaScript pour voir la carte.');
  expect(body).toContain('Écrivez ici votre message');
  // The site shows the code as code.
  const feed = await runNews(['export', 'rss', '--dir', dir]);
  expect(feed.stdout).toMatch(/&lt;pre[^\n]*?&gt;&lt;code&gt;function f\(\) \{\n {4}return /);
});

test('RSS 1.0 (RDF) is read: items beside the channel, dc:date, rdf:about as the id', async () => {
  const file = feedFile('rss10.rdf', `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://exemple.fr/rss"><title>Flux RDF</title><link>https://exemple.fr/</link><description>d</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://exemple.fr/a"/><rdf:li rdf:resource="https://exemple.fr/b"/></rdf:Seq></items></channel>
  <item rdf:about="https://exemple.fr/a"><title>Premier billet RDF</title><link>https://exemple.fr/a</link><description>Texte A.</description><dc:date>2013-10-29T09:00:00+01:00</dc:date></item>
  <item rdf:about="https://exemple.fr/b"><title>Second billet RDF</title><link>https://exemple.fr/b</link><description>Texte B.</description><dc:date>2014-08-01T10:00:00+02:00</dc:date></item>
</rdf:RDF>`);
  const dir = tempContent({});
  const r = await runNews(['import', '--from', 'rss', '--dir', dir, file]);
  expect(r.stderr).not.toContain('pas un flux');
  expect(r.code).toBe(0);
  expect(posts(dir).map((p) => [p.title, p.date, p.body])).toEqual([
    ['Premier billet RDF', '2013-10-29T09:00:00+01:00', 'Texte A.'],
    ['Second billet RDF', '2014-08-01T10:00:00+02:00', 'Texte B.'],
  ]);
  const again = await runNews(['import', '--from', 'rss', '--dir', dir, file]);
  expect(again.stderr).toContain('0 billet(s) créé(s), 2 déjà présent(s).');
});

test('RSS 0.91: items without a date take the channel’s pubDate, with a warning', async () => {
  const file = feedFile('rss091.xml', `<?xml version="1.0" encoding="UTF-8"?>
<rss version="0.91"><channel><title>Ancien flux</title><link>https://exemple.fr/</link><description>d</description><language>fr</language>
<pubDate>Fri, 01 Aug 2014 08:00:00 +0200</pubDate>
<item><title>Sans date</title><link>https://exemple.fr/sans-date</link><description>Un texte.</description></item>
</channel></rss>`);
  const dir = tempContent({});
  const r = await runNews(['import', '--from', 'rss', '--dir', dir, file]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('élément 1 « Sans date »');
  expect(r.stderr).toContain('élément sans date : date du flux utilisée (Fri, 01 Aug 2014 08:00:00 +0200)');
  expect(posts(dir).map((p) => p.date)).toEqual(['2014-08-01T08:00:00+02:00']);
});

test('RSS 0.90 (RDF, no dates anywhere): each item is refused saying neither it nor the feed has a date', async () => {
  const file = feedFile('rss090.rdf', `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
  <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.org</link><description>d</description></channel>
  <item><title>New Status Updates</title><link>http://www.mozilla.org/status/</link></item>
</rdf:RDF>`);
  const dir = tempContent({});
  const r = await runNews(['import', '--from', 'rss', '--dir', dir, file]);
  expect(r.code).toBe(2);
  expect(r.stderr).not.toContain('pas un flux');
  expect(r.stderr).toContain('(élément 1 « New Status Updates ») : non importé');
  expect(r.stderr).toContain('ni l’élément ni le flux n’ont de date');
  expect(posts(dir)).toEqual([]);
});

test('Atom: an entry without published nor updated takes the feed’s updated', async () => {
  const file = feedFile('atom.xml', `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2015-03-29T03:30:00+02:00</updated>
<entry><title>Entrée sans date</title><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><content type="text">Texte.</content></entry></feed>`);
  const dir = tempContent({});
  const r = await runNews(['import', '--from', 'atom', '--dir', dir, file]);
  expect(r.code).toBe(0);
  expect(posts(dir).map((p) => p.date)).toEqual(['2015-03-29T03:30:00+02:00']);
});
