import { Document, parseDocument } from 'yaml';
import { parseTypedDate } from './dates.js';
import type { Post } from './post.js';
import { uniqueTags } from './tags.js';

/**
 * The file `news edit` opens in the editor: the post as Markdown with a header of its fields
 * in YAML (as Hugo and Jekyll front matter), lines starting with `#` above the header for
 * help and, when the editor opens again, the reason:
 *
 *     # news edit le-miroir-brise … (help lines)
 *     ---
 *     title: Le miroir brisé des réseaux sociaux
 *     date: 2013-10-29
 *     status: published
 *     tags: [ réseaux sociaux ]
 *     summary:
 *     author: Équipe formation
 *     ---
 *     The body, in Markdown.
 */

/** The header's fields, in the order they are shown. */
export const EDIT_FIELDS = ['title', 'date', 'status', 'tags', 'summary', 'author'] as const;

const HELP = [
  'Modifiez l’en-tête (entre les lignes ---) et le texte, puis enregistrez et quittez.',
  'date : AAAA-MM-JJ, ou AAAA-MM-JJ HH:MM à l’heure du site ; status : published ou draft ;',
  'tags : [ une, autre ] ; summary et author peuvent rester vides.',
  'Pour abandonner sans rien changer : videz le fichier et enregistrez, ou quittez l’éditeur',
  'avec une erreur (:cq dans vi). Les lignes commençant par # ici, avant le premier ---, sont ignorées.',
];

/** The text to edit; `problem` (when the editor opens again) is shown first, as comments. */
export function renderEditFile(post: Post, problem?: string, previous?: string): string {
  const comments = [`# news edit ${post.slug}`];
  if (problem) {
    comments.push('#', '# PROBLÈME — corrigez puis enregistrez (ou videz le fichier pour abandonner) :');
    for (const line of problem.split('\n')) comments.push(`#   ${line}`);
  }
  comments.push('#', ...HELP.map((line) => `# ${line}`));
  if (previous !== undefined) return `${comments.join('\n')}\n${stripComments(previous)}`;
  const doc = new Document({
    title: post.title,
    date: post.date,
    status: post.status,
    tags: post.tags,
    summary: post.summary ?? null,
    author: post.author ?? null,
  });
  (doc.get('tags', true) as { flow?: boolean } | undefined)!.flow = true;
  const header = doc.toString({ lineWidth: 0, nullStr: '' });
  return `${comments.join('\n')}\n---\n${header}---\n${post.body}${post.body.endsWith('\n') ? '' : '\n'}`;
}

/** The edited text without the comment (and blank) lines above the header, and how many there were. */
function splitComments(text: string): { skipped: number; content: string } {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === '')) i++;
  return { skipped: i, content: lines.slice(i).join('\n') };
}

export function stripComments(text: string): string {
  return splitComments(text).content;
}

export type EditedPost =
  | { kind: 'empty' }
  | { kind: 'problem'; reason: string }
  | { kind: 'post'; fields: Record<string, unknown> };

const FIELD_HINT = `champs possibles : ${EDIT_FIELDS.join(', ')}`;

/**
 * Reads the edited file back: the fields whose value differs from the post (undefined for a
 * field emptied), or why it cannot be taken (French, with the line when there is one), or
 * `empty` when the file was emptied (the edit is abandoned).
 */
export function parseEditFile(text: string, post: Post, timeZone: string): EditedPost {
  const { skipped: commentLines, content } = splitComments(text);
  if (content.trim() === '') return { kind: 'empty' };
  const lines = content.split('\n');
  if (lines[0]!.trim() !== '---') return { kind: 'problem', reason: `ligne ${commentLines + 1} : l’en-tête doit commencer par une ligne --- (remettez-la)` };
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) return { kind: 'problem', reason: 'l’en-tête n’est pas fermé : ajoutez une ligne --- entre les champs et le texte' };
  const doc = parseDocument(lines.slice(1, end).join('\n'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = commentLines + 2 + (error.linePos?.[0]?.line ?? 1) - 1;
    const why = error.code === 'DUPLICATE_KEY'
      ? 'un champ est donné deux fois : gardez-en un seul'
      : `syntaxe de l’en-tête incorrecte (guillemet ou crochet non fermé ? deux-points dans une valeur : mettez-la entre guillemets) — ${error.message.split('\n')[0]}`;
    return { kind: 'problem', reason: `ligne ${line} : ${why}` };
  }
  const header = doc.toJS() as unknown;
  if (header !== null && (typeof header !== 'object' || Array.isArray(header))) {
    return { kind: 'problem', reason: `l’en-tête doit être une liste de champs « nom: valeur » (${FIELD_HINT})` };
  }
  const values = (header ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(values).filter((k) => !(EDIT_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return { kind: 'problem', reason: `champ inconnu dans l’en-tête : ${unknown.join(', ')} (${FIELD_HINT})` };
  const text_ = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v).trim() || undefined);

  const problems: string[] = [];
  const fields: Record<string, unknown> = {};
  const title = text_(values.title);
  if (title === undefined) problems.push('title : le titre est obligatoire');
  else fields.title = title;

  const date = text_(values.date);
  if (date === undefined) problems.push('date : la date est obligatoire (ex. 2026-11-30 ou 2026-11-30 08:00)');
  else if (date !== post.date) {
    const typed = parseTypedDate(date, timeZone);
    if (typed.ok) fields.date = typed.value;
    else problems.push(`date « ${date} » : ${typed.reason ? `${typed.reason} ; ` : ''}attendu AAAA-MM-JJ, AAAA-MM-JJ HH:MM ou ISO 8601 avec décalage`);
  }

  const status = text_(values.status);
  const statuses: Record<string, Post['status']> = { published: 'published', publié: 'published', publie: 'published', draft: 'draft', brouillon: 'draft' };
  if (status === undefined || statuses[status.toLowerCase()] === undefined) problems.push(`status « ${status ?? ''} » : attendu published (publié) ou draft (brouillon)`);
  else fields.status = statuses[status.toLowerCase()];

  const rawTags = values.tags;
  if (rawTags === null || rawTags === undefined) fields.tags = [];
  else if (Array.isArray(rawTags)) fields.tags = uniqueTags(rawTags.filter((t) => t !== null && typeof t !== 'object').map(String));
  else if (typeof rawTags === 'string') fields.tags = uniqueTags(rawTags.split(','));
  else problems.push('tags : attendu une liste, par exemple [ agenda, réseaux sociaux ]');

  fields.summary = text_(values.summary);
  fields.author = text_(values.author);

  const body = lines.slice(end + 1).join('\n');
  if (body.trim() === '') problems.push('le texte du billet (après le second ---) est vide');
  // The file ends with a newline the post's body may not have had: a body that differs only there is unchanged.
  fields.body = body.trimEnd() === post.body.trimEnd() ? post.body : body.trimEnd();

  if (problems.length > 0) return { kind: 'problem', reason: problems.join('\n') };
  return { kind: 'post', fields };
}
