import type { TextSink } from '../core/context.js';

const BAR_WIDTH = 24;
const LABEL_WIDTH = 40;

/** `[██████░░░░…] 12/40 nom.txt`: one line, redrawn in place. */
function renderProgressLine(done: number, total: number, label: string, amount: (n: number) => string): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * BAR_WIDTH);
  const name = label.length > LABEL_WIDTH ? `…${label.slice(-(LABEL_WIDTH - 1))}` : label;
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${amount(done)}/${amount(total)} ${name}`;
}

/**
 * A progress bar on a terminal's stderr, silent elsewhere (pipes, files, cron): messages
 * written through it clear the bar first, so the two never mix.
 */
export class ProgressBar {
  private shown = false;
  private last = '';
  /** `amount` writes the counts (bytes for a log: `12,5 Mio`); plain numbers by default. */
  constructor(private readonly sink: TextSink, private readonly enabled: boolean, private readonly amount: (n: number) => string = String) {}

  /** Redrawn only when the shown percentage moves: thousands of files cost a hundred redraws, not thousands. */
  update(done: number, total: number, label: string): void {
    if (!this.enabled) return;
    const step = `${total}:${Math.floor((done * 100) / Math.max(total, 1))}`;
    if (this.shown && step === this.last) return;
    this.last = step;
    this.sink.write(`\r\u001b[K${renderProgressLine(done, total, label, this.amount)}`);
    this.shown = true;
  }

  /** Writes a message line (to the same sink) without tearing the bar. */
  message(line: string): void {
    this.clear();
    this.sink.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  clear(): void {
    if (this.shown) this.sink.write('\r\u001b[K');
    this.shown = false;
  }
}
