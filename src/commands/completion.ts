import type { Command } from 'commander';
import { prepareCommand, type CommandEnv } from '../cli/command.js';
import { completionScript, SHELLS, type Shell } from '../cli/completion.js';
import { parseChoice } from '../cli/options.js';

export function register(program: Command, env: CommandEnv): void {
  const command = program
    .command('completion')
    .description('affiche le script de complétion du shell (commandes, options, valeurs, slugs)')
    .argument('<shell>', 'bash, zsh ou fish', parseChoice('<shell>', SHELLS))
    .addHelpText(
      'after',
      '\nExemples :\n' +
        '  source <(news completion bash)                 # bash, à mettre dans ~/.bashrc\n' +
        '  source <(news completion zsh)                  # zsh, à mettre dans ~/.zshrc\n' +
        '  news completion fish > ~/.config/fish/completions/news.fish\n',
    );
  prepareCommand(program, command, env).action((shell: Shell) => {
    // The whole program is registered for this command (see program.ts), so every command shows.
    env.ctx.stdout.write(completionScript(program, shell));
  });
}
