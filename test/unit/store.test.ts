// The content store: strict reading, saving with unknown fields kept, exclusive creation, the lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NewsError } from '../../src/core/errors.js';
import { checkPost, serializePost } from '../../src/core/post.js';
import { realFs, type WriteFs } from '../../src/store/atomic.js';
import { createPost, loadPosts, loadSite, postFile, resolveContentDir, savePost } from '../../src/store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../../src/store/lock.js';
import { parseJsonText, readTextStrict, ReadProblem } from '../../src/store/read.js';
import { makePost, tempContent } from '../helpers/cli.js';

const BOM = '\uFEFF';

describe('reading', () => {
  test('a leading BOM is skipped; a post with one loads and is never written back with it', () => {
    const dir = tempContent({});
    const raw = { ...makePost('avec-bom', { title: 'Écrit ailleurs' }), source: { outil: 'bloc-notes', version: 3 }, zzz: [1, 2] };
    const file = path.join(dir, 'posts', 'avec-bom.json');
    fs.writeFileSync(file, `${BOM}${JSON.stringify(raw)}`);
    const { posts, problems } = loadPosts(dir);
    expect(problems).toEqual([]);
    expect(posts).toHaveLength(1);
    const post = posts[0]!.post;
    expect(post.title).toBe('Écrit ailleurs');

    post.views = 12;
    savePost(dir, post);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe(`${JSON.stringify({
      schemaVersion: 1, slug: 'avec-bom', title: 'Écrit ailleurs', date: '2013-10-29', status: 'published', tags: [],
      body: 'Texte du billet avec-bom.', views: 12, aliases: [], source: { outil: 'bloc-notes', version: 3 }, zzz: [1, 2],
    }, null, 2)}\n`);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['avec-bom.json']);
  });

  test('unknown fields survive a load and save round trip, in their order, after the known ones', () => {
    const dir = tempContent({});
    const text = '{\n  "futur": {"a": 1},\n  "schemaVersion": 1,\n  "slug": "x",\n  "title": "X",\n  "date": "2013-10-29",\n  "status": "draft",\n  "body": "b",\n  "views": 0,\n  "autre": null\n}\n';
    fs.writeFileSync(path.join(dir, 'posts', 'x.json'), text);
    const { posts } = loadPosts(dir);
    savePost(dir, posts[0]!.post);
    const saved = fs.readFileSync(path.join(dir, 'posts', 'x.json'), 'utf8');
    expect(Object.keys(JSON.parse(saved))).toEqual(['schemaVersion', 'slug', 'title', 'date', 'status', 'tags', 'body', 'views', 'aliases', 'futur', 'autre']);
    expect(JSON.parse(saved).futur).toEqual({ a: 1 });
    expect(JSON.parse(saved).autre).toBeNull();
  });

  test('non-UTF-8 bytes are an error with their place, never replaced', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-read-'));
    const file = path.join(dir, 'a.json');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('{\n  "title": "Ann'), Buffer.from([0xe9]), Buffer.from('e"\n}\n')]));
    try {
      readTextStrict(file);
      throw new Error('should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(ReadProblem);
      expect((error as ReadProblem).describe('a.json')).toBe('a.json:2:16 : octets non UTF-8 (octet 17) : réenregistrez le fichier en UTF-8');
    }
    // an overlong encoding and a lone surrogate are not UTF-8 either
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      fs.writeFileSync(file, Buffer.from([0x22, ...bad, 0x22]));
      expect(() => readTextStrict(file)).toThrow(/octets non UTF-8/);
    }
  });

  test('a symbolic link is refused even when read directly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-read-'));
    fs.writeFileSync(path.join(dir, 'vrai.json'), '{}');
    fs.symlinkSync('vrai.json', path.join(dir, 'lien.json'));
    expect(() => readTextStrict(path.join(dir, 'lien.json'))).toThrow('lien symbolique refusé');
  });

  test('JSON errors carry line and column', () => {
    // a misspelt word: V8 gives no position, the line is still the right one (not "truncated")
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": tru\n}', 'f.json')).toThrow('JSON invalide près de "\\n}" (ligne 3, colonne 11)');
    expect(() => parseJsonText('{\n  "a": 1,\n}', 'f.json')).toThrow('JSON invalide près de "}" (ligne 3, colonne 1)');
    try {
      parseJsonText('{\n  "a": [1, 2', 'f.json');
    } catch (error) {
      expect((error as ReadProblem).describe()).toBe('f.json:2:13 : JSON incomplet (fin de fichier inattendue) : le fichier semble tronqué (ligne 2, colonne 13)');
    }
    expect.assertions(3);
  });

  test('files that are not .json, hidden files (temp files) and folders are not posts; a folder named x.json is named (issue 13)', () => {
    const dir = tempContent({ a: makePost('a') });
    fs.writeFileSync(path.join(dir, 'posts', '.a.json.123.abc.tmp'), 'à moitié');
    fs.writeFileSync(path.join(dir, 'posts', 'notes.txt'), 'rien');
    fs.mkdirSync(path.join(dir, 'posts', 'dossier.json'));
    const { posts, problems } = loadPosts(dir);
    expect(posts.map((p) => p.post.slug)).toEqual(['a']);
    expect(problems).toEqual([expect.objectContaining({ file: path.join(dir, 'posts', 'dossier.json'), notAPost: true })]);
  });

  test('a folder without posts/ has no posts and no problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-empty-'));
    expect(loadPosts(dir)).toEqual({ posts: [], problems: [] });
    expect(loadSite(dir)).toEqual({ timeZone: 'Europe/Paris' });
  });
});

describe('the content folder', () => {
  test('--dir, else NEWS_DIR, else ./content; missing or a file: exit 2 in French', () => {
    const dir = tempContent({});
    expect(resolveContentDir(dir, { NEWS_DIR: '/ailleurs' }, '/')).toBe(dir);
    expect(resolveContentDir(undefined, { NEWS_DIR: dir }, '/')).toBe(dir);
    fs.mkdirSync(path.join(dir, 'content'));
    expect(resolveContentDir(undefined, { NEWS_DIR: '' }, dir)).toBe(path.join(dir, 'content'));
    fs.rmdirSync(path.join(dir, 'content'));
    expect(() => resolveContentDir(undefined, {}, dir)).toThrow(new NewsError(
      `le dossier de contenu ${path.join(dir, 'content')} (dossier par défaut ./content) n’existe pas : indiquez un dossier existant avec --dir <chemin> ou NEWS_DIR, ou créez-le avec un sous-dossier posts/`,
    ));
    expect(() => resolveContentDir('site.json', {}, dir)).toThrow(/est un fichier, pas un dossier de contenu/);
  });

  test('site.json: every field optional, time zone checked', () => {
    expect(loadSite(tempContent({}, {})).timeZone).toBe('Europe/Paris');
    expect(loadSite(tempContent({}, { timeZone: 'America/Montreal', author: 'A' }))).toEqual({ timeZone: 'America/Montreal', author: 'A' });
    expect(() => loadSite(tempContent({}, { timeZone: 'Mars/Olympus' }))).toThrow(/champ timeZone : fuseau horaire inconnu/);
  });

  test('a slug that is not a slug never becomes a path', () => {
    expect(() => postFile('/c', '../x')).toThrow(NewsError);
    expect(() => postFile('/c', 'a/b')).toThrow(NewsError);
    expect(postFile('/c', 'a-b')).toBe(path.join('/c', 'posts', 'a-b.json'));
  });
});

describe('saving and creating', () => {
  test('savePost with a failing rename keeps the old file and leaves no temp file', () => {
    const dir = tempContent({ a: makePost('a', { views: 1 }) });
    const before = fs.readFileSync(path.join(dir, 'posts', 'a.json'), 'utf8');
    const post = loadPosts(dir).posts[0]!.post;
    post.views = 2;
    const failing: WriteFs = { ...realFs, renameSync: () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); } };
    expect(() => savePost(dir, post, { fs: failing })).toThrow('EIO');
    expect(fs.readFileSync(path.join(dir, 'posts', 'a.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual(['a.json']);
  });

  test('createPost never overwrites and creates posts/ when missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'news-create-'));
    const check = checkPost(makePost('neuf'));
    if (!check.ok) throw new Error('fixture');
    expect(createPost(dir, check.post)).toBe(path.join(dir, 'posts', 'neuf.json'));
    expect(fs.readFileSync(path.join(dir, 'posts', 'neuf.json'), 'utf8')).toBe(serializePost(check.post));
    expect(() => createPost(dir, { ...check.post, title: 'Autre' })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'posts', 'neuf.json'), 'utf8')).title).toBe('Titre neuf');
  });
});

describe('the lock', () => {
  test('one holder at a time; the lock folder is gone afterwards', async () => {
    const dir = tempContent({});
    const events: string[] = [];
    const hold = (name: string) =>
      withContentLock(dir, async () => {
        events.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < events.length; i += 2) expect(events[i]!.slice(0, -1)).toBe(events[i + 1]!.slice(0, -1));
    expect(fs.existsSync(path.join(dir, '.news.lock'))).toBe(false);
  });

  test('released when the work throws', async () => {
    const dir = tempContent({});
    await expect(withContentLock(dir, () => { throw new NewsError('raté'); })).rejects.toThrow('raté');
    expect(fs.existsSync(path.join(dir, '.news.lock'))).toBe(false);
  });

  test('held by someone else past the timeout: exit 2 with a French message', async () => {
    const dir = tempContent({});
    fs.mkdirSync(path.join(dir, '.news.lock'));
    const error = await withContentLock(dir, () => 1, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewsError);
    expect((error as NewsError).exitCode).toBe(2);
    expect((error as NewsError).message).toContain('est verrouillé par une autre commande news');
  });

  test('NEWS_LOCK_TIMEOUT', () => {
    expect(lockTimeoutFromEnv({})).toBe(30_000);
    expect(lockTimeoutFromEnv({ NEWS_LOCK_TIMEOUT: '500' })).toBe(500);
    expect(() => lockTimeoutFromEnv({ NEWS_LOCK_TIMEOUT: 'beaucoup' })).toThrow('NEWS_LOCK_TIMEOUT="beaucoup" n’est pas un nombre de millisecondes');
  });
});

describe('schema messages', () => {
  test('every missing required field is called missing, whatever its type', () => {
    const check = checkPost({ slug: 'x' });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problems).toEqual([
        { field: 'schemaVersion', reason: 'champ obligatoire absent' },
        { field: 'title', reason: 'champ obligatoire absent' },
        { field: 'date', reason: 'champ obligatoire absent' },
        { field: 'status', reason: 'champ obligatoire absent' },
        { field: 'body', reason: 'champ obligatoire absent' },
        { field: 'views', reason: 'champ obligatoire absent' },
      ]);
    }
  });

  test('a wrong value is named with the reason', () => {
    const check = checkPost({ ...makePost('x'), status: 'publié', schemaVersion: 2 });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problems).toEqual([
        { field: 'schemaVersion', reason: 'schemaVersion doit valoir 1' },
        { field: 'status', reason: 'status doit valoir "published" ou "draft"' },
      ]);
    }
  });
});
