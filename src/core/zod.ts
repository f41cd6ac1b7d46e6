import { createRequire } from 'node:module';
import type * as Zod from 'zod';

let loaded: typeof Zod | undefined;

/**
 * zod, loaded on first use and set to French. Importing it costs more than reading
 * hundreds of posts, and sound files never need it (see checkPost), so `list` and
 * `--version` should not pay for it up front.
 */
export function zod(): typeof Zod {
  if (!loaded) {
    loaded = createRequire(import.meta.url)('zod') as typeof Zod;
    loaded.z.config(loaded.z.locales.fr());
  }
  return loaded;
}
