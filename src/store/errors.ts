import path from 'node:path';
import { NewsError, isNewsError } from '../core/errors.js';

/**
 * One French message for every error the system gives a file operation (full disk,
 * read-only file system, permissions, too many open files, a failing disk…): what happened,
 * to which file, and what to do. Used by the atomic writes, post creation, the lock, reads,
 * the export writes, and main's last resort, so no command ever prints a raw `ENOSPC: no space
 * left on device, write`.
 */

export type FileAction = 'read' | 'write' | 'create' | 'list' | 'lock' | 'move' | 'remove' | 'mkdir';

const VERBS: Record<FileAction, string> = {
  read: 'lire',
  write: 'écrire',
  create: 'créer',
  list: 'lire le dossier',
  lock: 'verrouiller',
  move: 'déplacer',
  remove: 'supprimer',
  mkdir: 'créer le dossier',
};

/** The verb of a Node system call, when the caller did not say what it was doing. */
const SYSCALL_VERBS: Record<string, string> = {
  open: 'ouvrir',
  read: 'lire',
  write: 'écrire',
  fsync: 'enregistrer sur le disque',
  close: 'enregistrer sur le disque',
  rename: 'renommer',
  link: 'créer',
  unlink: 'supprimer',
  rmdir: 'supprimer',
  rm: 'supprimer',
  mkdir: 'créer le dossier',
  scandir: 'lire le dossier',
  opendir: 'lire le dossier',
  stat: 'examiner',
  lstat: 'examiner',
  fstat: 'examiner',
  copyfile: 'copier',
  utime: 'mettre à jour',
  chmod: 'changer les droits de',
};

/** A NewsError that comes from the system: it keeps the system's code (`errno`) and the file. */
export class FileSystemError extends NewsError {
  readonly errno: string;
  readonly file: string;
  constructor(message: string, errno: string, file: string, cause: unknown) {
    super(message, 2, { cause, code: 'IO' });
    this.name = 'FileSystemError';
    this.errno = errno;
    this.file = file;
  }
}

/** An error the system gave a file operation (it has a code such as ENOSPC). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((error as NodeJS.ErrnoException).code!);
}

/** The system's code behind an error, wrapped in a FileSystemError or not. */
export function systemCodeOf(error: unknown): string | undefined {
  if (error instanceof FileSystemError) return error.errno;
  if (isSystemError(error)) return error.code;
  return undefined;
}

/** `de lire`, `d’écrire`: the French elision before a vowel. */
function de(verb: string): string {
  return /^[aeiouyéèêh]/i.test(verb) ? `d’${verb}` : `de ${verb}`;
}

/** Why, and what to do, in French; `file` is named, `verb` says what was being done to it. */
export function describeSystemError(code: string, file: string, verb: string): string {
  const dir = path.dirname(file);
  switch (code) {
    case 'ENOSPC':
      return `plus de place sur le disque pour ${verb} ${file} (ENOSPC) : libérez de la place sur ce disque (df -h ${dir}) puis relancez la commande`;
    case 'EDQUOT':
      return `quota disque dépassé pour ${verb} ${file} (EDQUOT) : supprimez des fichiers ou demandez un quota plus grand, puis relancez la commande`;
    case 'EROFS':
      return `impossible ${de(verb)} ${file} : le système de fichiers est en lecture seule (EROFS) ; remontez-le en lecture-écriture ou travaillez sur une copie accessible en écriture, puis relancez`;
    case 'EACCES':
    case 'EPERM':
      return `permission refusée pour ${verb} ${file} (${code}) : vérifiez le propriétaire et les droits (ls -ld ${dir}) ; lancez news avec l’utilisateur propriétaire du contenu, ou donnez-lui les droits (chown, chmod)`;
    case 'EMFILE':
    case 'ENFILE':
      return `trop de fichiers ouverts pour ${verb} ${file} (${code}) : augmentez la limite (ulimit -n 4096 dans le script ou la ligne cron) ou arrêtez des programmes qui en ouvrent beaucoup, puis relancez`;
    case 'EIO':
      return `erreur d’entrée-sortie du disque pour ${verb} ${file} (EIO) : le disque ou le partage réseau est peut-être défaillant ; vérifiez-le (dmesg, état du disque) puis relancez. Les écritures de news sont atomiques : aucun fichier n’est laissé à moitié écrit`;
    case 'ENOENT':
      return `impossible ${de(verb)} ${file} : introuvable (ENOENT) ; vérifiez le chemin`;
    case 'ENOTDIR':
      return `impossible ${de(verb)} ${file} : un élément de ce chemin n’est pas un dossier (ENOTDIR) ; vérifiez le chemin`;
    case 'EISDIR':
      return `impossible ${de(verb)} ${file} : c’est un dossier (EISDIR) ; indiquez un fichier`;
    case 'EEXIST':
      return `impossible ${de(verb)} ${file} : ce nom existe déjà (EEXIST)`;
    case 'ELOOP':
      return `impossible ${de(verb)} ${file} : lien symbolique refusé (ELOOP) ; remplacez-le par le fichier lui-même`;
    case 'ENAMETOOLONG':
      return `impossible ${de(verb)} ${file} : nom trop long (ENAMETOOLONG) ; choisissez un chemin plus court`;
    case 'EBUSY':
    case 'ETXTBSY':
      return `impossible ${de(verb)} ${file} : fichier occupé par un autre programme (${code}) ; réessayez quand il l’aura libéré`;
    case 'EXDEV':
      return `impossible ${de(verb)} ${file} : un renommage ne peut pas passer d’un système de fichiers à un autre (EXDEV) ; gardez les dossiers concernés sur le même disque`;
    case 'ESTALE':
    case 'ETIMEDOUT':
    case 'EHOSTDOWN':
      return `impossible ${de(verb)} ${file} : le partage réseau ne répond plus (${code}) ; vérifiez le montage puis relancez`;
    case 'ENOMEM':
      return `mémoire insuffisante pour ${verb} ${file} (ENOMEM) : fermez d’autres programmes puis relancez`;
    default:
      return `impossible ${de(verb)} ${file} (${code}) : vérifiez le fichier, le disque et les droits, puis relancez`;
  }
}

/**
 * The French error for a system error met while doing `action` to `file`: a FileSystemError
 * (exit 2, code IO). An error that is already a NewsError, or not a system error, is returned
 * as it is. `context` is added after the reason (what was done before it failed).
 */
export function fileSystemError(error: unknown, file: string, action?: FileAction, context?: string): unknown {
  if (isNewsError(error) || !isSystemError(error)) return error;
  const verb = action ? VERBS[action] : SYSCALL_VERBS[error.syscall ?? ''] ?? 'utiliser';
  const message = describeSystemError(error.code, file, verb);
  return new FileSystemError(context ? `${message}. ${context}` : message, error.code, file, error);
}

/** For main's last resort: a system error that reached it names its file (Node puts it in `path`). */
export function describeUncaughtSystemError(error: unknown): string | undefined {
  if (!isSystemError(error)) return undefined;
  const file = error.path ?? (error as { dest?: string }).dest;
  const verb = SYSCALL_VERBS[error.syscall ?? ''] ?? 'utiliser';
  if (file) return describeSystemError(error.code, file, verb);
  return describeSystemError(error.code, 'un fichier', verb);
}
