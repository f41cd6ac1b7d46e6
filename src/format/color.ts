import kleur from 'kleur';
import type { Context } from '../core/context.js';

/**
 * Decides colour once, from the context: off with --no-color, with NO_COLOR set (any value,
 * as no-color.org says), or when stdout is not a terminal. JSON and feeds are never coloured.
 */
export function colorEnabled(ctx: Context, flagColor: boolean): boolean {
  if (!flagColor) return false;
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  return ctx.stdoutIsTTY;
}

export function setColor(enabled: boolean): void {
  kleur.enabled = enabled;
}

export { kleur as colors };
