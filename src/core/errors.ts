/** Exit codes from SPEC: 0 success, 1 a check found something, 2 an error. */
export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_ERROR = 2;

/**
 * What kind of error a NewsError is, for scripts that use the library: the CLI turns every
 * one into exit code 2 (or 1 for a check that found something), a Node caller can switch on it.
 */
export type NewsErrorCode =
  | 'USAGE' // a flag, argument or value the caller gave is wrong
  | 'NOT_FOUND' // an unknown slug, a missing file
  | 'INVALID_CONTENT' // a post file, site.json or an input file that cannot be read as it should
  | 'CONFLICT' // a slug or alias already taken, a folder that already holds content
  | 'LOCKED' // the content folder stayed locked too long
  | 'IO' // the system refused a read or a write (full disk, permissions…)
  | 'FOUND' // a check found something (exit 1)
  | 'ERROR'; // anything else

/**
 * An error meant for the user: a French message, an exit code and a code for programs.
 * Thrown anywhere below `main`; only `main` prints it and turns it into an exit code.
 */
export class NewsError extends Error {
  readonly exitCode: number;
  readonly code: NewsErrorCode;
  constructor(message: string, exitCode: number = EXIT_ERROR, options?: { cause?: unknown; code?: NewsErrorCode }) {
    super(message, options);
    this.name = 'NewsError';
    this.exitCode = exitCode;
    this.code = options?.code ?? (exitCode === EXIT_FOUND ? 'FOUND' : 'ERROR');
  }
}

export function isNewsError(error: unknown): error is NewsError {
  return error instanceof NewsError;
}
