import { Help, type Command } from 'commander';

/*
 * The man page news.1, made at build time (scripts/build-assets.js) from the same help text
 * `news --help` and `news <commande> --help` print: one section per command, its help as
 * it stands (options, placeholders, examples), so the two never disagree.
 */

/** Help as printed, `after` texts included (examples): asks each command to print it into `capture`. */
export type HelpCapture = (command: Command) => string;

/** Text for a no-fill block: backslashes, leading dots and quotes, and hyphens made literal for roff. */
function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function commandsOf(program: Command): Array<{ path: string; command: Command }> {
  const help = new Help();
  const found: Array<{ path: string; command: Command }> = [];
  const walk = (command: Command, path: string) => {
    for (const sub of help.visibleCommands(command)) {
      if (sub.name() === 'help' && sub.commands.length === 0) continue;
      const subPath = `${path} ${sub.name()}`;
      found.push({ path: subPath, command: sub });
      walk(sub, subPath);
    }
  };
  walk(program, program.name());
  return found;
}

export function manPage(program: Command, version: string, capture: HelpCapture): string {
  const name = program.name();
  const lines = [
    `.\\" Produit par scripts/build-assets.js à partir de l’aide de ${name} ${version} ; ne pas modifier à la main.`,
    `.TH ${name.toUpperCase()} 1 "" "${name} ${version}" "Manuel de ${name}"`,
    '.SH NOM',
    `${name} \\- ${roffText(program.description())}`,
    '.SH SYNOPSIS',
    `.B ${name}`,
    roffText(program.usage()),
    '.SH DESCRIPTION',
    '.nf',
    roffText(capture(program).trimEnd()),
    '.fi',
    '.SH COMMANDES',
  ];
  for (const { path, command } of commandsOf(program)) {
    lines.push(`.SS ${roffText(path)}`, '.nf', roffText(capture(command).trimEnd()), '.fi');
  }
  lines.push(
    '.SH CODES DE SORTIE',
    '0 : succès, ou rien trouvé ; 1 : une vérification a trouvé quelque chose (validate, dedupe \\-\\-check) ; 2 : erreur.',
    '.SH VOIR AUSSI',
    `Le README et le dossier docs/ du paquet ; \\fB${name} completion\\fR pour la complétion du shell.`,
  );
  return `${lines.join('\n')}\n`;
}
