/** What every reader of `src/import/` hands to `news import`. */

/** A post as read from a source: no slug, status or bookkeeping yet (the command adds them). */
export interface ImportedPost {
  /** Derived from the source (see id.ts), so importing the same thing twice finds it. */
  id: string;
  title: string;
  /** `YYYY-MM-DD` or ISO-8601 with an offset, as the post schema wants it. */
  date: string;
  /** Markdown. */
  body: string;
  views: number;
  tags: string[];
  author?: string;
  summary?: string;
  updatedAt?: string;
}

/** What a page or feed item lacked, named to the user in French. */
export type MissingPart = 'titre' | 'date' | 'texte';

/** One page, or one feed item: a post, or what is missing and why. */
export type ItemResult =
  | { ok: true; post: ImportedPost; warnings: string[] }
  | { ok: false; missing: MissingPart[]; reasons: string[] };
