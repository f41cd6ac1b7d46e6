import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { addGlobalOptions } from './options.js';
import { usageErrorLine } from './messages.js';

/** What a command module gives main: it declares itself on the program. */
export interface CommandModule {
  register(program: Command, env: CommandEnv): void;
}

/** Handed to every command's register(): the context and a way to report the exit code. */
export interface CommandEnv {
  ctx: Context;
  setExitCode(code: number): void;
}

/** Applies the program's settings (French help, errors, output) to a subcommand, with the global options. */
export function prepareCommand(program: Command, command: Command, env: CommandEnv): Command {
  command
    .helpOption('-h, --help', "affiche l’aide")
    .exitOverride()
    .configureHelp(program.configureHelp())
    .configureOutput({
      ...program.configureOutput(),
      // A usage error points at this command's own help: « Voir news list --help. »
      outputError: (message, write) => write(usageErrorLine(env.ctx, message, `news ${commandPath(command)}`)),
    })
    .showSuggestionAfterError(true);
  addGlobalOptions(command);
  return command;
}

/** `views import` for a subcommand of `news views`: its names below the program. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
