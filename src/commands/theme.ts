import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import { globalOptions } from '../cli/options.js';
import { writeJson } from '../cli/json.js';
import type { Context } from '../core/context.js';
import { NewsError } from '../core/errors.js';
import { copyDefaultTheme } from '../export/theme.js';
import { createFileExclusive } from '../store/atomic.js';
import { loadSite, resolveContentDir } from '../store/content.js';
import { lockTimeoutFromEnv, withContentLock } from '../store/lock.js';

export interface ThemeInitOptions {
  dir?: string;
  json: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const theme = program
    .command('theme')
    .description('thème du site exporté : copier le thème par défaut pour le modifier')
    .usage('[options] <commande>')
    .addHelpText('after', '\nExemples :\n  news theme init\n  news theme init --dir contenu/\n\nVoir docs/theme.md : chaque modèle, chaque variable, un exemple.\n');
  prepareCommand(program, theme, env);
  const init = theme
    .command('init')
    .description('copie les modèles et la feuille de style par défaut dans <contenu>/theme/ (sans remplacer un fichier déjà là)')
    .option('--json', 'résultat en JSON (dossier, fichiers copiés, fichiers gardés)', false)
    .addHelpText('after', '\nChaque fichier de <contenu>/theme/ remplace le fichier du même nom du thème par défaut ;\nsupprimez un fichier pour revenir au modèle par défaut.\n\nExemples :\n  news theme init\n  news theme init --json\n');
  prepareCommand(theme, init, env).action(async (opts: { json: boolean }, cmd: Command) => {
    env.setExitCode(await runThemeInit({ json: opts.json, dir: globalOptions(cmd).dir }, env.ctx));
  });
}

export async function runThemeInit(opts: ThemeInitOptions, ctx: Context): Promise<number> {
  const contentDir = resolveContentDir(opts.dir, ctx.env, ctx.cwd);
  loadSite(contentDir); // a broken site.json is named now, not at the next export
  const result = await withContentLock(contentDir, () => {
    try {
      return copyDefaultTheme(contentDir, (file, bytes) => createFileExclusive(file, bytes));
    } catch (error) {
      if (error instanceof NewsError) throw error;
      const err = error as NodeJS.ErrnoException;
      throw new NewsError(`copie du thème impossible : ${err.code ?? ''} ${err.message}`.trim(), 2, { code: 'IO', cause: error });
    }
  }, { timeoutMs: lockTimeoutFromEnv(ctx.env) });
  if (opts.json) {
    writeJson(ctx.stdout, result);
    return 0;
  }
  ctx.stdout.write(`${result.dir}\n`);
  ctx.stderr.write(`Thème copié dans ${result.dir} : ${result.copied.length} fichier(s) copié(s)`
    + (result.kept.length > 0 ? `, ${result.kept.length} gardé(s) car déjà présent(s) (${result.kept.join(', ')})` : '')
    + '. Modifiez-les puis lancez news export html ; supprimez un fichier pour revenir au modèle par défaut.\n');
  return 0;
}
