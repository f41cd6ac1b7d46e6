import { Help, type Argument, type Command, type Option } from 'commander';

/*
 * Shell completion scripts made from the commander program itself: a command, an option or
 * a choice another file declares appears here without a line changed. What each word
 * completes to:
 * - a command path (`news views import`): its subcommands, then its options;
 * - an option whose value is a choice (parseChoice, or commander's .choices()): the choices;
 * - an option or argument whose placeholder names a path (`<chemin>`, `<fichier>`…): files;
 * - an argument named `<slug>` (or `<slug...>`): the slugs of the content folder, asked of
 *   `news __complete slugs` (fast path of main.ts: a directory listing, no commander).
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

type ValueKind = { kind: 'none' } | { kind: 'files' } | { kind: 'dirs' } | { kind: 'slugs' } | { kind: 'words'; words: string[] };

interface OptionSpec {
  names: string[];
  takesValue: boolean;
  value: ValueKind;
  description: string;
}

interface CommandSpec {
  /** `''` for the program, else `list`, `views import`… */
  path: string;
  description: string;
  subcommands: string[];
  options: OptionSpec[];
  /** Positional arguments in order; the last one may repeat. */
  args: Array<{ value: ValueKind; variadic: boolean }>;
}

const PATH_WORDS = /^(chemin|fichier|dossier|journal|log|path|file|dir|folder)/i;

function choicesOf(item: Option | Argument): string[] | undefined {
  const parser = item.parseArg as { completionValues?: unknown } | undefined;
  if (parser && Array.isArray(parser.completionValues)) return parser.completionValues as string[];
  return item.argChoices;
}

function valueOf(item: Option | Argument, placeholder: string): ValueKind {
  const words = choicesOf(item);
  if (words) return { kind: 'words', words };
  const name = placeholder.replace(/[<>[\].]/g, '');
  // An argument names an existing post; an option such as `new --slug` names a new one.
  if ('variadic' in item && !('long' in item) && /^slugs?$/.test(name)) return { kind: 'slugs' };
  if ('long' in item && item.long === '--dir') return { kind: 'dirs' };
  if (name.split('|').some((part) => PATH_WORDS.test(part))) return { kind: 'files' };
  return { kind: 'none' };
}

function describe(program: Command): CommandSpec[] {
  const help = new Help();
  const specs: CommandSpec[] = [];
  const walk = (command: Command, path: string) => {
    const subcommands = help.visibleCommands(command).filter((c) => c.name() !== 'help' || path === '');
    const options = help.visibleOptions(command).map((option) => ({
      names: [option.short, option.long].filter((n): n is string => n !== undefined),
      takesValue: option.required || option.optional,
      value: option.required || option.optional ? valueOf(option, option.flags.split(/[ ,]+/).pop() ?? '') : { kind: 'none' as const },
      description: option.description,
    }));
    const args = command.registeredArguments.map((argument) => ({ value: valueOf(argument, argument.name()), variadic: argument.variadic }));
    specs.push({ path, description: command.description(), subcommands: subcommands.flatMap((c) => [c.name(), ...c.aliases()]), options, args });
    for (const sub of subcommands) {
      if (sub.name() === 'help' && sub.commands.length === 0 && sub.options.length === 0) {
        // The implicit help command: completes to command names.
        specs.push({ path: `${path ? `${path} ` : ''}help`, description: sub.description(), subcommands: [], options: [], args: [{ value: { kind: 'words', words: subcommands.map((c) => c.name()).filter((n) => n !== 'help') }, variadic: false }] });
        continue;
      }
      walk(sub, path ? `${path} ${sub.name()}` : sub.name());
    }
  };
  walk(program, '');
  return specs;
}

/** The completion script of this program for a shell. */
export function completionScript(program: Command, shell: Shell): string {
  const specs = describe(program);
  const name = program.name();
  if (shell === 'fish') return fishScript(name, specs);
  const bash = bashScript(name, specs);
  if (shell === 'bash') return bash;
  return [
    `#compdef ${name}`,
    `# Complétion zsh de ${name} (le script bash, par bashcompinit). Activer : source <(${name} completion zsh)`,
    'autoload -U +X compinit && compinit',
    'autoload -U +X bashcompinit && bashcompinit',
    bash,
  ].join('\n');
}

const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
const fn = (name: string) => `_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

function valueCase(value: ValueKind): string {
  switch (value.kind) {
    case 'words':
      return `words ${value.words.map(shellQuote).join(' ')}`;
    case 'files':
      return 'files';
    case 'dirs':
      return 'dirs';
    case 'slugs':
      return 'slugs';
    default:
      return 'none';
  }
}

function bashScript(name: string, specs: CommandSpec[]): string {
  const f = fn(name);
  const lines: string[] = [];
  lines.push(`# Complétion bash de ${name}, produite par « ${name} completion bash » à partir du programme lui-même.`);
  lines.push(`# Activer : source <(${name} completion bash)   (ou l’ajouter à ~/.bashrc)`);
  lines.push(`${f}_subs() {`, '  case "$1" in');
  for (const spec of specs) if (spec.subcommands.length > 0) lines.push(`    ${shellQuote(spec.path)}) echo ${spec.subcommands.map(shellQuote).join(' ')} ;;`);
  lines.push('  esac', '}');
  lines.push(`${f}_opts() {`, '  case "$1" in');
  for (const spec of specs) lines.push(`    ${shellQuote(spec.path)}) echo ${spec.options.flatMap((o) => o.names).map(shellQuote).join(' ')} ;;`);
  lines.push('  esac', '}');
  // `<path>|<option>` → what the option's value completes to; listed only for options that take one.
  lines.push(`${f}_optval() {`, '  case "$1|$2" in');
  for (const spec of specs) {
    for (const option of spec.options) {
      if (!option.takesValue) continue;
      lines.push(`    ${option.names.map((n) => shellQuote(`${spec.path}|${n}`)).join('|')}) echo ${valueCase(option.value)} ;;`);
    }
  }
  lines.push('    *) return 1 ;;', '  esac', '}');
  // `<path>|<n>` → what the n-th positional argument (from 0) completes to.
  lines.push(`${f}_arg() {`, '  case "$1|$2" in');
  for (const spec of specs) {
    spec.args.forEach((arg, index) => {
      const pattern = arg.variadic ? `${shellQuote(`${spec.path}|`)}*` : shellQuote(`${spec.path}|${index}`);
      lines.push(`    ${pattern}) echo ${valueCase(arg.value)} ;;`);
    });
  }
  lines.push('    *) echo none ;;', '  esac', '}');
  lines.push(`
# (cmdpath, not path: in zsh, path is the array of $PATH.)
${f}_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" dir="" nargs=0 i=1 w kind expect="" dashdash=""
  COMPREPLY=()
  # The words before the cursor: command path, option values (the content folder), positional count.
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="\${COMP_WORDS[i]}"
    if [ -n "$expect" ]; then
      [ "$expect" = "-d" ] || [ "$expect" = "--dir" ] && dir="$w"
      expect=""
    elif [ -n "$dashdash" ]; then
      nargs=$((nargs + 1))
    elif [ "$w" = "--" ]; then
      dashdash=1
    elif [[ "$w" == --dir=* ]]; then
      dir="\${w#--dir=}"
    elif [[ "$w" == -* ]]; then
      [[ "$w" == *=* ]] || ! ${f}_optval "$cmdpath" "$w" >/dev/null || expect="$w"
    elif [ "$nargs" -eq 0 ] && [[ " $(${f}_subs "$cmdpath") " == *" $w "* ]]; then
      cmdpath="\${cmdpath:+$cmdpath }$w"
    else
      nargs=$((nargs + 1))
    fi
    i=$((i + 1))
  done
  if [ -n "$expect" ]; then
    kind="$(${f}_optval "$cmdpath" "$expect")"
  elif [ -z "$dashdash" ] && [[ "$cur" == --*=* ]]; then
    kind="$(${f}_optval "$cmdpath" "\${cur%%=*}")" || kind=none
    local prefix="\${cur%%=*}="
    cur="\${cur#*=}"
    ${f}_values "$kind" "$cur" "$dir"
    COMPREPLY=("\${COMPREPLY[@]/#/$prefix}")
    return 0
  elif [ -z "$dashdash" ] && [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(${f}_opts "$cmdpath")" -- "$cur"))
    return 0
  elif [ "$nargs" -eq 0 ] && [ -n "$(${f}_subs "$cmdpath")" ]; then
    COMPREPLY=($(compgen -W "$(${f}_subs "$cmdpath")" -- "$cur"))
    return 0
  else
    kind="$(${f}_arg "$cmdpath" "$nargs")"
  fi
  ${f}_values "$kind" "$cur" "$dir"
}

# Fills COMPREPLY for a kind of value (words …, files, slugs, none).
${f}_values() {
  local kind="$1" cur="$2" dir="$3"
  case "$kind" in
    words\\ *) COMPREPLY=($(compgen -W "\${kind#words }" -- "$cur")) ;;
    files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    slugs)
      [[ "$dir" == "~"* ]] && dir="$HOME\${dir#"~"}"
      local dirargs=()
      [ -n "$dir" ] && dirargs=(--dir "$dir")
      COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete slugs "\${dirargs[@]}" 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}

complete -F ${f}_complete ${name}
`);
  return lines.join('\n');
}

function fishScript(name: string, specs: CommandSpec[]): string {
  const f = `__${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines: string[] = [
    `# Complétion fish de ${name}, produite par « ${name} completion fish » à partir du programme lui-même.`,
    `# Activer : ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `function ${f}_subs`,
    '  switch "$argv[1]"',
  ];
  for (const spec of specs) if (spec.subcommands.length > 0) lines.push(`    case ${q(spec.path)}`, `      printf '%s\\n' ${spec.subcommands.map(q).join(' ')}`);
  lines.push('  end', 'end');
  lines.push(`function ${f}_valopts`, '  switch "$argv[1]"');
  for (const spec of specs) {
    const names = spec.options.filter((o) => o.takesValue).flatMap((o) => o.names);
    if (names.length > 0) lines.push(`    case ${q(spec.path)}`, `      printf '%s\\n' ${names.map(q).join(' ')}`);
  }
  lines.push('  end', 'end');
  lines.push(
    `# The command path of the line being typed (\`\`, \`list\`, \`views import\`…).`,
    `function ${f}_path`,
    '  set -l words (commandline -opc)',
    '  set -e words[1]',
    '  set -l path ""',
    '  set -l expect 0',
    '  for w in $words',
    '    if test $expect = 1',
    '      set expect 0',
    '      continue',
    '    end',
    '    switch $w',
    "      case '--*=*'",
    "      case '-*'",
    `        if contains -- $w (${f}_valopts "$path")`,
    '          set expect 1',
    '        end',
    "      case '*'",
    `        if contains -- $w (${f}_subs "$path")`,
    '          set path (string trim -- "$path $w")',
    '        end',
    '    end',
    '  end',
    '  echo $path',
    'end',
    `function ${f}_is`,
    `  set -l path (${f}_path)`,
    '  test "$path" = "$argv[1]"',
    'end',
    `function ${f}_slugs`,
    '  set -l words (commandline -opc)',
    '  set -l dir',
    '  for i in (seq (count $words))',
    "    if contains -- $words[$i] -d --dir; and test $i -lt (count $words)",
    '      set dir --dir $words[(math $i + 1)]',
    '    end',
    '  end',
    `  ${name} __complete slugs $dir 2>/dev/null`,
    'end',
    `complete -c ${name} -f`,
  );
  const kindArgs = (value: ValueKind): string => {
    switch (value.kind) {
      case 'words':
        return ` -x -a ${q(value.words.join(' '))}`;
      case 'files':
        return ' -r -F';
      case 'dirs':
        return " -x -a '(__fish_complete_directories)'";
      case 'slugs':
        return ` -x -a '(${f}_slugs)'`;
      default:
        return ' -x';
    }
  };
  for (const spec of specs) {
    const when = `-n ${q(`${f}_is ${q(spec.path)}`)}`;
    const subs = new Set(spec.subcommands);
    for (const sub of specs) {
      const parent = sub.path.includes(' ') ? sub.path.slice(0, sub.path.lastIndexOf(' ')) : '';
      const last = sub.path.slice(sub.path.lastIndexOf(' ') + 1);
      if (sub.path !== '' && parent === spec.path && subs.has(last)) {
        lines.push(`complete -c ${name} ${when} -a ${q(last)} -d ${q(sub.description)}`);
      }
    }
    for (const option of spec.options) {
      const flags = option.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
      lines.push(`complete -c ${name} ${when} ${flags}${option.takesValue ? kindArgs(option.value) : ''} -d ${q(option.description)}`);
    }
    for (const arg of spec.args) {
      if (arg.value.kind !== 'none') lines.push(`complete -c ${name} ${when}${kindArgs(arg.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
