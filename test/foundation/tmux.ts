import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, cleanEnv } from '../helpers/cli.js';

let sessions = 0;

/** Quotes one word for the shell tmux runs the command with. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A real pseudo-terminal: a tmux server on its own socket, one 200×50 window running
 * `news …`. Keys go in with send-keys, the screen comes out with capture-pane.
 */
export class TmuxSession {
  readonly socket = `news-test-${process.pid}-${++sessions}-${Date.now()}`;
  private started = false;

  private tmux(args: string[], env?: Record<string, string>): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: env ?? cleanEnv(), timeout: 10_000 });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} a échoué : ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `news <args>` in the terminal; the pane stays open after it ends and prints `__EXIT=<code>`. */
  start(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; stderrFile?: string }): void {
    const redirect = options.stderrFile ? ` 2> ${shellWord(options.stderrFile)}` : '';
    const command = `${[process.execPath, BIN, ...args].map(shellWord).join(' ')}${redirect}; echo "__EXIT=$?"; sleep 600`;
    const env = cleanEnv({ TERM: 'xterm-256color', EDITOR: undefined, VISUAL: undefined, TMUX: undefined, ...options.env });
    this.tmux(['new-session', '-d', '-x', '200', '-y', '50', '-c', options.cwd, command], env);
    this.started = true;
  }

  /** Types text literally, as a person would. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', '0', '-l', text]);
  }

  /** Presses named keys: Enter, Down, C-c… */
  press(...keys: string[]): void {
    this.tmux(['send-keys', '-t', '0', ...keys]);
  }

  /** The visible screen; with `escapes`, colour codes included. */
  screen(escapes = false): string {
    return this.tmux(['capture-pane', '-p', '-J', '-t', '0', ...(escapes ? ['-e'] : [])]);
  }

  /** Waits until the screen matches, or fails with what it showed. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`l'écran n'a pas affiché ${pattern} à temps ; il montrait :\n${text}`);
      await sleep(40);
    }
  }

  /** Waits for the command to end and returns its exit code. */
  async exitCode(timeoutMs = 10_000): Promise<number> {
    const text = await this.waitFor(/__EXIT=\d+/, timeoutMs);
    return Number(/__EXIT=(\d+)/.exec(text)![1]);
  }

  kill(): void {
    if (!this.started) return;
    this.started = false;
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { timeout: 5_000 });
  }
}
