import v8 from 'node:v8';

/*
 * V8's on-stack replacement (OSR), held back during a short run.
 *
 * An `export html` that finds its last record renders a few pages of a large site, but walks
 * its 10,000 posts and files once, each loop in a function called once. V8 compiles such a
 * loop with its optimising compiler while it runs (OSR), on a second thread, for code that has
 * almost finished when the compiled version arrives: measured here with --trace-opt, 100
 * functions and 510 ms of compiling for one new post, 84 and 275 ms without OSR. On a machine
 * with two busy cores that thread competes with the export itself. Functions called many
 * times are still optimised as usual.
 *
 * A long run (a full export, many pages to render) gets OSR back as soon as the export says so
 * (ExportRequest.onLongRun). Only the command line holds it (`news export html`), and only for
 * its run: a program using the package from Node keeps V8 as it set it. Held or not, the code
 * runs the same; only its speed differs.
 */

let held = false;

/** Holds OSR back until releaseOptimizer (the command line, for one export). */
export function holdOptimizer(): void {
  if (held) return;
  v8.setFlagsFromString('--no-use-osr');
  held = true;
}

/** Gives OSR back, when held: a long run is ahead (a full export, many pages to render), or the command is over. */
export function releaseOptimizer(): void {
  if (!held) return;
  v8.setFlagsFromString('--use-osr');
  held = false;
}

/** Whether OSR is held back (for tests). */
export function optimizerHeld(): boolean {
  return held;
}
