import type { TextSink } from '../core/context.js';

/** The one JSON writer: 2-space indentation, final newline, never coloured. */
export function writeJson(out: TextSink, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
