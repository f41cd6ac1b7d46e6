import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { NewsError } from '../core/errors.js';
import { LOCK_NAME } from './content.js';
import { fileSystemError } from './errors.js';

const DEFAULT_TIMEOUT_MS = 30_000;
/** A lock not refreshed for this long belongs to a dead process and is taken over. */
const STALE_MS = 10_000;

export interface LockOptions {
  /** How long to wait for another command to finish (NEWS_LOCK_TIMEOUT, in ms). */
  timeoutMs?: number;
  /**
   * For commands that only read (export): the lock gives them a consistent snapshot, but a
   * content folder they cannot write to (read-only checkout) is read without it.
   */
  readOnly?: boolean;
}

export function lockTimeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.NEWS_LOCK_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new NewsError(`NEWS_LOCK_TIMEOUT="${raw}" n’est pas un nombre de millisecondes : indiquez par exemple NEWS_LOCK_TIMEOUT=30000`);
  }
  return value;
}

/**
 * Runs `work` while holding the content folder's lock (proper-lockfile: a lock folder whose
 * time is refreshed while held; one left by a killed process goes stale and is taken over).
 * Waits a bounded time for another holder, then fails with exit 2.
 */
export async function withContentLock<T>(contentDir: string, work: (lock: { held: boolean }) => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lockfilePath = path.join(contentDir, LOCK_NAME);
  const deadline = Date.now() + timeoutMs;
  let compromised: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  let delay = 15;
  for (;;) {
    try {
      release = await lockfile.lock(contentDir, {
        lockfilePath,
        realpath: false,
        stale: STALE_MS,
        update: STALE_MS / 4,
        retries: 0,
        onCompromised: (error) => {
          compromised = error;
        },
      });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED' && options.readOnly && (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')) {
        return await work({ held: false });
      }
      if (code !== 'ELOCKED' || !isLockFolder(lockfilePath)) throw lockError(error, lockfilePath);
      if (Date.now() >= deadline) {
        throw new NewsError(
          `le dossier de contenu ${contentDir} est verrouillé par une autre commande news depuis plus de ${Math.round(timeoutMs / 1000)} s : réessayez plus tard, ou augmentez NEWS_LOCK_TIMEOUT (en ms). Un verrou abandonné (${lockfilePath}) est repris de lui-même après ${STALE_MS / 1000} s.`,
        );
      }
      await sleep(delay + Math.floor(Math.random() * delay));
      delay = Math.min(delay * 2, 250);
    }
  }
  try {
    const result = await work({ held: true });
    if (compromised) throw new NewsError(`le verrou du dossier de contenu a été perdu pendant l’opération (${compromised.message}) : relancez la commande`);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/** True unless something other than a folder (a file left there) holds the lock's name. */
function isLockFolder(lockfilePath: string): boolean {
  try {
    return fs.lstatSync(lockfilePath).isDirectory();
  } catch {
    return true; // gone meanwhile: the next try says
  }
}

/**
 * Why the lock could not be taken. The lock is a folder named `.news.lock`: anything else under
 * that name (a file left by hand or by another tool) is named, with how to remove it, rather
 * than the ENOTDIR the system gives.
 */
function lockError(error: unknown, lockfilePath: string): unknown {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(lockfilePath);
  } catch {
    stat = undefined;
  }
  if (stat && !stat.isDirectory()) {
    const what = stat.isSymbolicLink() ? 'un lien symbolique' : stat.isFile() ? 'un fichier ordinaire' : 'un fichier spécial';
    return new NewsError(
      `${lockfilePath} est ${what}, pas un verrou de news (news verrouille le dossier de contenu avec un dossier de ce nom) : aucune commande qui écrit ne peut passer. ` +
        `S’il ne sert à rien d’autre, supprimez-le (rm ${lockfilePath}) puis relancez la commande`,
      2,
      { cause: error, code: 'LOCKED' },
    );
  }
  return fileSystemError(error, lockfilePath, 'lock');
}
