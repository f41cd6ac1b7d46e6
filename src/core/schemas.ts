import { zod } from './zod.js';
import { postSchema } from './post.js';
import { siteSchema } from './site.js';

/** Where the schemas are published with the package (schemas/ at its root). */
export const SCHEMA_FILES = { post: 'post.schema.json', site: 'site.schema.json' } as const;

/**
 * The JSON Schemas (draft 2020-12) of a post file and of site.json, from the same zod
 * schemas `validate` uses. Input side: fields with a default (tags, aliases) are optional.
 */
export function jsonSchemas(): Record<keyof typeof SCHEMA_FILES, Record<string, unknown>> {
  const { z } = zod();
  const options = { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' } as const;
  return {
    post: {
      ...z.toJSONSchema(postSchema(), options),
      title: 'Billet de news (schemaVersion 1)',
      description: 'Un billet : content/posts/<slug>.json.',
    },
    site: {
      ...z.toJSONSchema(siteSchema(), options),
      title: 'Réglages du site de news',
      description: 'content/site.json : tous les champs sont facultatifs.',
    },
  };
}
