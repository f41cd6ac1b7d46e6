/** Exit codes from SPEC: 0 success, 1 a check found something, 2 an error. */
export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_ERROR = 2;

/**
 * An error meant for the user: a French message and an exit code.
 * Thrown anywhere below `main`; only `main` prints it and turns it into an exit code.
 */
export class NewsError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_ERROR, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NewsError';
    this.exitCode = exitCode;
  }
}

export function isNewsError(error: unknown): error is NewsError {
  return error instanceof NewsError;
}
