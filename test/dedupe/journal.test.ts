import fs from 'node:fs';
import path from 'node:path';
import { applyStep, sha256, undoStep, writeJournal, readJournal, type Journal, type JournalStep } from '../../src/store/journal.js';
import { mergeGroup, unionTags, keepOrder } from '../../src/core/dedupe/index.js';
import { checkPost, type Post } from '../../src/core/post.js';
import { makePost, tempContent } from '../helpers/cli.js';

const post = (slug: string, fields: Record<string, unknown> = {}): Post => {
  const checked = checkPost(makePost(slug, fields));
  if (!checked.ok) throw new Error('bad test post');
  return checked.post;
};

describe('journal steps can be redone safely', () => {
  function setup() {
    const dir = tempContent({ a: makePost('a'), b: makePost('b') });
    const file = (slug: string) => path.join(dir, 'posts', `${slug}.json`);
    const before = fs.readFileSync(file('a'));
    const after = Buffer.from(fs.readFileSync(file('a'), 'utf8').replace('"views": 0', '"views": 5'));
    const rewrite: JournalStep = { op: 'rewrite', slug: 'a', reason: 'merge', before: { sha256: sha256(before), base64: before.toString('base64') }, after: { sha256: sha256(after), text: after.toString('utf8') } };
    const trash: JournalStep = { op: 'trash', slug: 'b', into: 'a', sha256: sha256(fs.readFileSync(file('b'))) };
    const journal: Journal = { format: 'news-dedupe-journal', version: 1, runId: '20261125-030000-abcdef', createdAt: '2026-11-25T04:00:00+01:00', threshold: 0.9, steps: [rewrite, trash] };
    writeJournal(dir, journal);
    return { dir, file, before, after, rewrite, trash, journal };
  }

  test('each step done twice is done once; undone twice is undone once', () => {
    const { dir, file, before, after, rewrite, trash, journal } = setup();
    expect(readJournal(dir, journal.runId)).toEqual(journal);
    expect(applyStep(dir, journal.runId, rewrite).result).toBe('done');
    expect(applyStep(dir, journal.runId, rewrite).result).toBe('already');
    expect(fs.readFileSync(file('a')).equals(after)).toBe(true);
    expect(applyStep(dir, journal.runId, trash).result).toBe('done');
    expect(applyStep(dir, journal.runId, trash).result).toBe('already');
    expect(fs.existsSync(file('b'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.trash', journal.runId, 'posts', 'b.json'))).toBe(true);
    expect(undoStep(dir, journal.runId, trash).result).toBe('done');
    expect(undoStep(dir, journal.runId, trash).result).toBe('already');
    expect(undoStep(dir, journal.runId, rewrite).result).toBe('done');
    expect(undoStep(dir, journal.runId, rewrite).result).toBe('already');
    expect(fs.readFileSync(file('a')).equals(before)).toBe(true);
  });

  test('a file changed by hand since the plan is left alone, with a French reason', () => {
    const { dir, file, rewrite, trash, journal } = setup();
    fs.writeFileSync(file('a'), '{"edited": true}\n');
    fs.writeFileSync(file('b'), '{"edited": true}\n');
    const r1 = applyStep(dir, journal.runId, rewrite);
    const r2 = applyStep(dir, journal.runId, trash);
    expect([r1.result, r2.result]).toEqual(['skipped', 'skipped']);
    expect(r1.reason).toMatch(/posts\/a\.json a été modifié depuis le plan/);
    expect(fs.readFileSync(file('a'), 'utf8')).toBe('{"edited": true}\n');
    expect(fs.readFileSync(file('b'), 'utf8')).toBe('{"edited": true}\n');
  });
});

describe('merging a group', () => {
  test('views summed, tags united without case duplicates, removed slugs and their aliases in aliases, summary borrowed', () => {
    const keep = post('garde', { views: 10, tags: ['Web', 'agenda'], aliases: ['vieux'] });
    const merged = mergeGroup(keep, [
      post('copie', { views: 5, tags: ['web', 'Formation'], aliases: ['tres-vieux', 'vieux'], summary: 'Chapeau.' }),
      post('copie-2', { views: 1, tags: ['formation'] }),
    ]);
    expect(merged.views).toBe(16);
    expect(merged.tags).toEqual(['Web', 'agenda', 'Formation']);
    expect(merged.aliases).toEqual(['vieux', 'copie', 'tres-vieux', 'copie-2']);
    expect(merged.summary).toBe('Chapeau.');
    expect(merged.slug).toBe('garde');
    expect(unionTags([['Réseaux sociaux'], ['RÉSEAUX SOCIAUX', 'réseaux sociaux', 'web']])).toEqual(['Réseaux sociaux', 'web']);
  });

  test('the kept post: published over draft, then earliest date, then most views, then slug', () => {
    const order = keepOrder('Europe/Paris');
    const sorted = (posts: Post[]) => [...posts].sort(order).map((p) => p.slug);
    expect(sorted([post('ancien-brouillon', { status: 'draft', date: '2010-01-01' }), post('publie', { date: '2014-01-01' })])).toEqual(['publie', 'ancien-brouillon']);
    expect(sorted([post('b', { date: '2014-01-02' }), post('a', { date: '2014-01-03' })])).toEqual(['b', 'a']);
    // A calendar day starts at midnight in Paris; 2014-01-01T22:30Z is 23:30 on the 1st there, so earlier.
    expect(sorted([post('jour', { date: '2014-01-02' }), post('instant', { date: '2014-01-01T22:30:00Z' })])).toEqual(['instant', 'jour']);
    expect(sorted([post('peu-lu', { views: 1 }), post('tres-lu', { views: 100 })])).toEqual(['tres-lu', 'peu-lu']);
    expect(sorted([post('zeta'), post('alpha')])).toEqual(['alpha', 'zeta']);
  });
});
