/**
 * The questions `news new` asks. Commands depend on this interface only; the inquirer
 * implementation lives in ./inquirer.ts and tests can pass a scripted one.
 */
export interface Prompter {
  input(options: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
  /** Multi-line text in $EDITOR. */
  editor(options: { message: string; default?: string }): Promise<string>;
  confirm(options: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(options: {
    message: string;
    choices: ReadonlyArray<{ name: string; value: T }>;
    default?: T;
  }): Promise<T>;
}
