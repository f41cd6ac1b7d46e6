// The `news new` question flow, in process: runNew with a context whose stdin is a terminal,
// answered by a scripted Prompter, then by the real inquirer prompts fed keystrokes.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { runNew, type NewOptions } from '../../src/commands/new.js';
import { NewsError } from '../../src/core/errors.js';
import { createInquirerPrompter } from '../../src/prompts/inquirer.js';
import type { Prompter } from '../../src/prompts/prompter.js';
import { scriptedPrompter, testContext } from '../helpers/context.js';
import { makePost, tempContent } from '../helpers/cli.js';

function options(dir: string, extra: Partial<NewOptions> = {}): NewOptions {
  return { dir, draft: false, yes: false, json: false, ...extra };
}

function ttyContext(dir: string, prompter: Prompter, env: Record<string, string> = {}) {
  return testContext({ stdinIsTTY: true, stderrIsTTY: true, cwd: dir, env, prompter: () => Promise.resolve(prompter) });
}

function readPost(dir: string, slug: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'posts', `${slug}.json`), 'utf8'));
}

describe('scripted answers', () => {
  test('asks every question in French, in order, then confirms', async () => {
    const dir = tempContent({});
    const prompter = scriptedPrompter(['L’œuvre de Cæsar', '', 'Premier.', 'Second.', '', '', '', 'art, histoire, ART', 'published', true]);
    const ctx = ttyContext(dir, prompter);
    expect(await runNew(options(dir), ctx)).toBe(0);
    expect(prompter.asked).toEqual([
      'Titre :',
      'Chapeau (facultatif, Entrée pour passer) :',
      'Texte, un paragraphe par ligne (ligne vide pour finir) :',
      'Paragraphe 2 (ligne vide pour finir) :',
      'Paragraphe 3 (ligne vide pour finir) :',
      'Date (AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure) :',
      'Auteur :',
      'Étiquettes (séparées par des virgules) :',
      'Statut :',
      'Créer ce billet ?',
    ]);
    expect(ctx.out()).toBe('posts/l-oeuvre-de-caesar.json\n');
    expect(ctx.err()).toContain('le 25 novembre 2026 · publié · Équipe formation'); // the preview, on stderr
    const post = readPost(dir, 'l-oeuvre-de-caesar');
    expect(post).toMatchObject({
      title: 'L’œuvre de Cæsar', body: 'Premier.\n\nSecond.', date: '2026-11-25', author: 'Équipe formation',
      tags: ['art', 'histoire'], status: 'published', createdAt: '2026-11-25T13:00:00+01:00',
    });
    expect(post.summary).toBeUndefined();
  });

  test('the default date is today in the site zone, not UTC', async () => {
    const dir = tempContent({}, { timeZone: 'Pacific/Auckland' });
    const prompter = scriptedPrompter(['T', '', 'Texte.', '', '', '', '', 'published']);
    const ctx = testContext({ stdinIsTTY: true, cwd: dir, prompter: () => Promise.resolve(prompter), now: () => new Date('2026-11-25T12:00:00Z') });
    expect(await runNew(options(dir, { yes: true }), ctx)).toBe(0);
    expect(readPost(dir, 't')).toMatchObject({ date: '2026-11-26', createdAt: '2026-11-26T01:00:00+13:00' });
  });

  test('what the flags give is not asked again', async () => {
    const dir = tempContent({});
    const prompter = scriptedPrompter(['Texte.', '', '2014-08-01', 'Moi']);
    const ctx = ttyContext(dir, prompter);
    expect(await runNew(options(dir, { title: 'Donné', summary: 'Chapeau', tag: ['a'], draft: true, yes: true }), ctx)).toBe(0);
    expect(prompter.asked).toEqual(['Texte, un paragraphe par ligne (ligne vide pour finir) :', 'Paragraphe 2 (ligne vide pour finir) :', 'Date (AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure) :', 'Auteur :']);
    expect(readPost(dir, 'donne')).toMatchObject({ title: 'Donné', summary: 'Chapeau', tags: ['a'], status: 'draft', date: '2014-08-01', author: 'Moi' });
  });

  test('with $EDITOR (or $VISUAL) the body comes from the editor', async () => {
    const dir = tempContent({});
    for (const variable of ['EDITOR', 'VISUAL']) {
      const prompter = scriptedPrompter([`Corps ${variable}.\n`]);
      const ctx = ttyContext(dir, prompter, { [variable]: 'vi' });
      await runNew(options(dir, { title: `Éditeur ${variable}`, summary: '', date: '2014-08-01', author: 'A', tag: ['t'], draft: true, yes: true }), ctx);
      expect(prompter.asked).toEqual(['Texte du billet (Markdown), dans votre éditeur :']);
      expect(readPost(dir, `editeur-${variable.toLowerCase()}`).body).toBe(`Corps ${variable}.\n`);
    }
  });

  test('an empty text from the editor: exit 2, nothing written', async () => {
    const dir = tempContent({});
    const ctx = ttyContext(dir, scriptedPrompter(['  \n']), { EDITOR: 'vi' });
    await expect(runNew(options(dir, { title: 'Vide', summary: '', yes: true }), ctx)).rejects.toThrow(new NewsError('le texte du billet est vide : aucun billet créé'));
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
  });

  test('"no" at the confirmation: exit 0, nothing written, said on stderr', async () => {
    const dir = tempContent({});
    const ctx = ttyContext(dir, scriptedPrompter(['T', '', 'x', '', '', '', '', 'draft', false]));
    expect(await runNew(options(dir), ctx)).toBe(0);
    expect(ctx.out()).toBe('');
    expect(ctx.err()).toContain('Aucun billet créé.');
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
  });

  test('a prompt closed by Ctrl-C or Ctrl-D becomes a French error (exit 2)', async () => {
    const dir = tempContent({});
    const closed: Prompter = {
      input: () => Promise.reject(Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' })),
      editor: () => Promise.reject(new Error('unused')),
      confirm: () => Promise.reject(new Error('unused')),
      select: () => Promise.reject(new Error('unused')),
    };
    const error = await runNew(options(dir), ttyContext(dir, closed)).catch((e: unknown) => e);
    expect(error).toEqual(new NewsError('saisie interrompue : aucun billet créé'));
    expect((error as NewsError).exitCode).toBe(2);
  });

  test('the look-alike warning also works interactively', async () => {
    const dir = tempContent({ existant: makePost('existant', { title: 'Même titre' }) });
    const ctx = ttyContext(dir, scriptedPrompter(['MÊME  titre !', '', 'Autre texte.', '', '', '', '', 'published', true]));
    expect(await runNew(options(dir), ctx)).toBe(0);
    expect(ctx.err()).toContain('ressemble à un billet existant (existant)');
  });
});

/**
 * A pretend terminal for the real inquirer prompts: keystrokes go into `input`, the screen
 * comes out of `output` (prompts draw on stderr in production).
 */
class FakeTerminal {
  readonly input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  private text = '';
  readonly output = new (class extends Writable {
    constructor(private readonly terminal: FakeTerminal) {
      super({ decodeStrings: false });
    }
    override _write(chunk: string | Buffer, _enc: BufferEncoding, done: () => void): void {
      this.terminal.text += String(chunk);
      done();
    }
    // inquirer ends the stream it draws on after each prompt; a terminal stays open.
    override end(): this {
      return this;
    }
  })(this);

  screen(): string {
    return stripVTControlCharacters(this.text);
  }

  async waitFor(needle: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!this.screen().includes(needle)) {
      if (Date.now() > deadline) throw new Error(`« ${needle} » jamais affiché ; écran :\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits for a question, then types the answer and Enter. */
  async answer(question: string, keys: string): Promise<void> {
    await this.waitFor(question);
    this.text = '';
    this.input.write(`${keys}\r`);
  }
}

describe('the real inquirer prompts', () => {
  test('typed answers, a refused empty title, the status chosen with the arrow key, "o" to confirm', async () => {
    const dir = tempContent({});
    const terminal = new FakeTerminal();
    const prompter = createInquirerPrompter({ input: terminal.input, output: terminal.output });
    const ctx = ttyContext(dir, prompter);
    const done = runNew(options(dir), ctx);
    await terminal.answer('Titre :', '');
    await terminal.waitFor('Le titre est obligatoire');
    terminal.input.write('Portes ouvertes\r');
    await terminal.answer('Chapeau', 'Samedi matin.');
    await terminal.answer('Texte, un paragraphe', 'De 9 h à 17 h.');
    await terminal.answer('Paragraphe 2', '');
    await terminal.answer('Date (AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM pour une heure) :', '2014-08-01');
    await terminal.answer('Auteur :', '');
    await terminal.answer('Étiquettes', 'agenda');
    await terminal.waitFor('↑↓ pour choisir, Entrée pour valider');
    await terminal.answer('Statut :', '\u001b[B'); // arrow down: brouillon
    await terminal.waitFor('Créer ce billet ? (O/n)');
    expect(terminal.screen()).not.toMatch(/Yes|Y\/n/);
    await terminal.answer('Créer ce billet ?', 'o');
    expect(await done).toBe(0);
    expect(terminal.screen()).toContain('Créer ce billet ? oui');
    expect(readPost(dir, 'portes-ouvertes')).toMatchObject({
      title: 'Portes ouvertes', summary: 'Samedi matin.', body: 'De 9 h à 17 h.', date: '2014-08-01',
      author: 'Équipe formation', tags: ['agenda'], status: 'draft',
    });
  });

  test('an answer other than oui/non is refused in French', async () => {
    const dir = tempContent({});
    const terminal = new FakeTerminal();
    const prompter = createInquirerPrompter({ input: terminal.input, output: terminal.output });
    const done = runNew(options(dir, { title: 'T', body: 'x', summary: '', date: '2014-08-01', author: 'A', tag: ['t'], draft: true }), ttyContext(dir, prompter));
    await terminal.answer('Créer ce billet ?', 'peut-être');
    await terminal.waitFor('répondez « o » (oui) ou « n » (non)');
    terminal.input.write('\u0015non\r'); // Ctrl-U clears the line, then "non"
    expect(await done).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'posts'))).toEqual([]);
  });
});

describe('inquirer prompts in French (@inquirer/testing render)', () => {
  test('confirm: (O/n), "oui"/"non", a French refusal', async () => {
    const { render } = await import('@inquirer/testing');
    const { confirm } = await import('@inquirer/prompts');
    const { FRENCH_CONFIRM } = await import('../../src/prompts/inquirer.js');
    const { answer, events, getScreen } = await render(confirm, { message: 'Créer ce billet ?', default: true, theme: FRENCH_CONFIRM });
    expect(getScreen()).toBe('? Créer ce billet ? (O/n)');
    events.type('peut-être');
    events.keypress('enter');
    await new Promise((r) => setImmediate(r));
    expect(getScreen()).toContain('répondez « o » (oui) ou « n » (non)');
    events.keypress({ name: 'u', ctrl: true });
    for (let i = 0; i < 9; i++) events.keypress('backspace');
    events.type('n');
    events.keypress('enter');
    expect(await answer).toBe(false);
    expect(getScreen()).toBe('✔ Créer ce billet ? non');
  });

  test('select: French key help', async () => {
    const { render } = await import('@inquirer/testing');
    const { select } = await import('@inquirer/prompts');
    const { FRENCH_SELECT } = await import('../../src/prompts/inquirer.js');
    const choices = [{ name: 'publié', value: 'published' }, { name: 'brouillon', value: 'draft' }];
    const { answer, events, getScreen } = await render(select, { message: 'Statut :', choices, default: 'published', theme: FRENCH_SELECT });
    expect(getScreen()).toContain('↑↓ pour choisir, Entrée pour valider');
    expect(getScreen()).not.toMatch(/navigate|select/);
    events.keypress('down');
    events.keypress('enter');
    expect(await answer).toBe('draft');
  });
});
