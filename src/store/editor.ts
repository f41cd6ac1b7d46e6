import fs from 'node:fs';
import path from 'node:path';
import { jsonSchemas } from '../core/schemas.js';
import { createFileExclusive } from './atomic.js';

/** The folder, inside a content folder, where editors look for their settings (VS Code). */
export const EDITOR_DIR = '.vscode';
export const EDITOR_FILES = { settings: 'settings.json', post: 'news-post.schema.json', site: 'news-site.schema.json' } as const;

/**
 * `.vscode/settings.json` mapping posts/*.json and site.json to the JSON Schemas, and the
 * schemas themselves beside it (copies of this version's, so the mapping works offline, on
 * any machine the content folder is cloned to, whatever way the tool was installed). Files
 * that exist already are left alone: returns what was written and what was kept.
 */
export function writeEditorSettings(contentDir: string): { written: string[]; kept: string[] } {
  const dir = path.join(contentDir, EDITOR_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const schemas = jsonSchemas();
  const settings = {
    'json.schemas': [
      { fileMatch: ['/posts/*.json'], url: `./${EDITOR_DIR}/${EDITOR_FILES.post}` },
      { fileMatch: ['/site.json'], url: `./${EDITOR_DIR}/${EDITOR_FILES.site}` },
    ],
  };
  const files: Array<[string, unknown]> = [
    [EDITOR_FILES.post, schemas.post],
    [EDITOR_FILES.site, schemas.site],
    [EDITOR_FILES.settings, settings],
  ];
  const written: string[] = [];
  const kept: string[] = [];
  for (const [name, value] of files) {
    const file = path.join(dir, name);
    try {
      createFileExclusive(file, `${JSON.stringify(value, null, 2)}\n`);
      written.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(file);
    }
  }
  return { written, kept };
}
