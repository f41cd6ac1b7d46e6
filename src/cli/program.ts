import { Command, Help, type Option } from 'commander';
import type { Context } from '../core/context.js';
import { addGlobalOptions, globalOptions } from './options.js';
import type { CommandEnv, CommandModule } from './command.js';
import { usageErrorLine } from './messages.js';
import { packageVersion } from '../version.js';
import { colorEnabled, setColor } from '../format/color.js';


/** Loaded lazily: `news list` never pays for markdown-it, `news --version` for nothing. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  new: () => import('../commands/new.js'),
  list: () => import('../commands/list.js'),
  show: () => import('../commands/show.js'),
  validate: () => import('../commands/validate.js'),
  import: () => import('../commands/import.js'),
  dedupe: () => import('../commands/dedupe.js'),
  export: () => import('../commands/export.js'),
  edit: () => import('../commands/edit.js'),
  publish: () => import('../commands/publish.js'),
  unpublish: () => import('../commands/unpublish.js'),
  rename: () => import('../commands/rename.js'),
  rm: () => import('../commands/rm.js'),
  restore: () => import('../commands/restore.js'),
  trash: () => import('../commands/trash.js'),
  tags: () => import('../commands/tags.js'),
  init: () => import('../commands/init.js'),
  views: () => import('../commands/views.js'),
  theme: () => import('../commands/theme.js'),
  serve: () => import('../commands/serve.js'),
  completion: () => import('../commands/completion.js'),
};

/** Commands that describe the whole program, so they need every command registered. */
const WHOLE_PROGRAM = new Set(['completion']);


/** The command a user named: the first word that is not an option or an option's value. */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1];
    if (arg === '-d' || arg === '--dir') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

const HELP_WORDS: Array<[RegExp, string]> = [
  [/^Usage:/, 'Utilisation :'],
  [/^Options:/, 'Options :'],
  [/^Commands:/, 'Commandes :'],
  [/^Arguments:/, 'Arguments :'],
  [/^Global Options:/, 'Options globales :'],
];

export function buildProgram(ctx: Context): Command {
  const program = new Command('news');
  program
    .description("Gère la rubrique « C’est d’actualité… » : billets, listes, exports et dédoublonnage.")
    .usage('[options] <commande>')
    .version(packageVersion(), '-V, --version', 'affiche la version')
    .helpOption('-h, --help', "affiche l’aide")
    .helpCommand('help [commande]', "affiche l’aide d’une commande")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureHelp({
      styleTitle: (title: string) => HELP_WORDS.reduce((t, [p, r]) => t.replace(p, r), title),
      sortSubcommands: false,
      optionDescription: frenchOptionDescription,
    } as Partial<Help>)
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(usageErrorLine(ctx, s, 'news')),
    });
  addGlobalOptions(program);
  program.hook('preAction', (_program, action) => {
    setColor(colorEnabled(ctx, globalOptions(action).color));
  });
  return program;
}

/** Builds the program with the commands this invocation needs, parses, returns the exit code. */
export async function runProgram(argv: string[], ctx: Context): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(ctx);
  const env: CommandEnv = { ctx, setExitCode: (code) => (exitCode = code) };
  const name = commandName(argv.slice(2));
  const names = name !== undefined && name in COMMANDS && !WHOLE_PROGRAM.has(name) ? [name] : Object.keys(COMMANDS);
  // One after the other: jest's ESM loader (vm modules) fails on many parallel imports sharing node:fs
  // ("not in cache"), and only help or an unknown command loads them all.
  for (const n of names) (await COMMANDS[n]!()).register(program, env);
  await program.parseAsync(argv);
  return exitCode;
}

/**
 * The program with every command registered, for what describes it whole: the man page
 * (scripts/build-assets.js) and the help test. Nothing runs: an action would report its exit
 * code into the void.
 */
export async function buildFullProgram(ctx: Context): Promise<Command> {
  const program = buildProgram(ctx);
  const env: CommandEnv = { ctx, setExitCode: () => undefined };
  // One after the other: nothing here is in a hurry (and jest's ESM loader trips on parallel imports).
  for (const name of Object.keys(COMMANDS)) (await COMMANDS[name]!()).register(program, env);
  return program;
}

/**
 * Commander's option line in French: `(par défaut : "date")`, and no `(default: false)` on a
 * plain flag. Done here, before the help is wrapped, so a wrapped line is translated too.
 */
function frenchOptionDescription(this: Help, option: Option): string {
  return Help.prototype.optionDescription
    .call(this, option)
    .replace(/ ?\(default: false\)$/, '')
    .replace(/\(default: /g, '(par défaut : ');
}
