import fs from 'node:fs';
import { describeSystemError } from './errors.js';
import path from 'node:path';
import { NewsError } from '../core/errors.js';

export const MAX_FILE_BYTES = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A file that could not be read as a post or settings file, with a French reason. */
export class ReadProblem extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(file: string, reason: string, position?: { line: number; column: number }) {
    super(reason);
    this.name = 'ReadProblem';
    this.file = file;
    this.line = position?.line;
    this.column = position?.column;
  }

  /** `posts/x.json:3:14 : reason`, the form editors and terminals link to. */
  describe(display: string = this.file): string {
    const where = this.line !== undefined ? `${display}:${this.line}:${this.column}` : display;
    return `${where} : ${this.message}`;
  }
}

/**
 * Reads a UTF-8 text file strictly: no symbolic link, at most 1 MiB, bytes that are not
 * UTF-8 are an error (never replaced), a leading BOM is skipped.
 */
export function readTextStrict(file: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: a named pipe (FIFO) given as a post must be refused below, not waited on.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw new ReadProblem(file, describeOpenError(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new ReadProblem(file, "ce n’est pas un fichier ordinaire");
    if (stat.size > MAX_FILE_BYTES) throw tooBig(file, stat.size);
    return decodeUtf8Strict(readWhole(fd, stat.size), file);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One reusable buffer: reading thousands of small posts should not allocate a Buffer each.
 * The bytes are only valid until the next call, so callers decode them at once.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

function readWhole(fd: number, size: number): Uint8Array {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  let length = 0;
  while (length < size) {
    const n = fs.readSync(fd, scratch, length, size - length, null);
    if (n === 0) break;
    length += n;
  }
  return scratch.subarray(0, length);
}

/**
 * The fast path for a file already known (from its directory entry) to be a regular file,
 * not a link: Node's native UTF-8 read, then the same strictness as readTextStrict. Invalid
 * bytes come out of that read as U+FFFD, so a file holding one is re-read strictly to tell a
 * real U+FFFD from bad bytes. The size cap is checked on what was read.
 */
export function readRegularTextStrict(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') throw tooBig(file);
    throw new ReadProblem(file, describeOpenError(error));
  }
  if (text.length > MAX_FILE_BYTES / 4) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_FILE_BYTES) throw tooBig(file, size);
  }
  if (text.includes('\ufffd')) return readTextStrict(file);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const REMOVE_HINT = ' : réduisez-le ou retirez-le du dossier';

function tooBig(file: string, size?: number, hint = REMOVE_HINT, maxBytes = MAX_FILE_BYTES): ReadProblem {
  const limit = size === undefined ? `plus de ${maxBytes} octets, au plus ${maxBytes}` : `${size} octets, au plus ${maxBytes}`;
  return new ReadProblem(file, `fichier trop gros (${limit})${hint}`);
}

/** UTF-8 or an error naming the first bad byte, its line and column; never a replacement character. */
function decodeUtf8Strict(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new ReadProblem(file, `octets non UTF-8 (octet ${offset}) : réenregistrez le fichier en UTF-8`, lineColumnOfByte(bytes, offset));
  }
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ELOOP':
      return 'lien symbolique refusé : remplacez-le par le fichier lui-même';
    case 'ENOENT':
      return 'fichier introuvable';
    case 'EACCES':
    case 'EPERM':
      return 'lecture interdite : vérifiez les droits du fichier';
    case 'EISDIR':
      return "c’est un dossier, pas un fichier";
    default:
      // EMFILE, EIO…: the same French reason and advice as every other system error.
      return code ? describeSystemError(code, 'ce fichier', 'lire') : `lecture impossible (${String(error)})`;
  }
}

/** Offset of the first byte that breaks UTF-8 (for the message only). */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

function lineColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Read size for inputs of unknown length (pipes, devices): the buffer never grows past the limit plus one chunk. */
const INPUT_CHUNK = 64 * 1024;

/**
 * The bytes of a file a user hands in (`--body-file`, the pages and feeds of `news import`):
 * links followed, pipes read, at most `maxBytes`. A regular file is measured before it is
 * read; anything else (a pipe, /dev/zero, a file still growing) is read in chunks and
 * refused as soon as it passes the limit, so memory never grows beyond it.
 */
export function readInputBytes(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw new ReadProblem(file, describeOpenError(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new ReadProblem(file, "c’est un dossier, pas un fichier");
    if (stat.isFile() && stat.size > maxBytes) throw tooBig(file, stat.size, '', maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(INPUT_CHUNK, maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    if (total > maxBytes) throw tooBig(file, undefined, '', maxBytes);
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof ReadProblem) throw error;
    throw new ReadProblem(file, describeOpenError(error));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of a stream (`--body-file -`: standard input), at most `maxBytes`: reading stops
 * at the first byte past the limit (`< /dev/zero` never fills memory) and the stream is closed.
 */
export async function readStreamBytes(stream: NodeJS.ReadableStream, maxBytes: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    total += bytes.length;
    if (total > maxBytes) throw tooBig(name, undefined, '', maxBytes); // leaving the loop closes the stream
  }
  return Buffer.concat(chunks, total);
}

const BODY_TOO_BIG_HINT = ' : un billet fait au plus 1 Mio ; raccourcissez le texte ou découpez-le en plusieurs billets';

/**
 * The text of `--body-file <path|->` (`news new`, `news edit`): a file (links followed, pipes
 * read) or standard input with `-`; strict UTF-8, BOM skipped, at most MAX_FILE_BYTES read,
 * never more. Any problem is a NewsError naming `--body-file` and the file; nothing is written
 * by the caller then. (The written post must fit too: see checkPostSize in store/content.ts.)
 */
export async function readBodyFile(spec: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const refuse = (reason: string, cause: unknown) =>
    new NewsError(`--body-file ${spec} : ${reason} ; aucun billet écrit`, 2, { code: 'INVALID_CONTENT', cause });
  let bytes: Buffer;
  try {
    bytes = spec === '-' ? await readStreamBytes(stdin, MAX_FILE_BYTES, '-') : readInputBytes(path.resolve(cwd, spec), MAX_FILE_BYTES);
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error;
    const reason = spec === '-' ? `l’entrée standard dépasse ${MAX_FILE_BYTES} octets (lecture arrêtée là)` : error.message;
    throw refuse(`${reason}${/^fichier trop gros/.test(error.message) ? BODY_TOO_BIG_HINT : ''}`, error);
  }
  try {
    return decodeUtf8Strict(bytes, spec);
  } catch (error) {
    if (!(error instanceof ReadProblem)) throw error;
    if (spec === '-') throw refuse("l’entrée standard n’est pas en UTF-8 : convertissez le texte en UTF-8", error);
    throw new NewsError(`--body-file ${error.describe(spec)} ; aucun billet écrit`, 2, { code: 'INVALID_CONTENT', cause: error });
  }
}

/** JSON.parse with the error turned into a French reason and a line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = String((error as Error).message);
    const position = jsonErrorOffset(text, message);
    const { line, column } = lineColumnOfChar(text, position);
    const reason = /end of JSON input|Unterminated/i.test(message) || position >= text.length
      ? 'JSON incomplet (fin de fichier inattendue) : le fichier semble tronqué'
      : `JSON invalide près de ${JSON.stringify(text.slice(position, position + 12))}`;
    throw new ReadProblem(file, `${reason} (ligne ${line}, colonne ${column})`, { line, column });
  }
}

/**
 * Where JSON.parse stopped. V8 usually says `at position N`; for a misspelt word
 * (`"b": fals`) it only names the character (`Unexpected token '\n', … is not valid JSON`),
 * so find the shortest beginning of the text that is already wrong, not merely unfinished.
 */
function jsonErrorOffset(text: string, message: string): number {
  const match = /position (\d+)/.exec(message);
  if (match) return Number(match[1]);
  if (/end of JSON input/i.test(message)) return text.length;
  let fine = 0;
  let wrong = text.length;
  while (wrong - fine > 1) {
    const middle = (fine + wrong) >> 1;
    if (isWrongBeginning(text.slice(0, middle))) wrong = middle;
    else fine = middle;
  }
  return wrong - 1;
}

function isWrongBeginning(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = String((error as Error).message);
    if (/end of JSON input|Unterminated/i.test(message)) return false;
    const match = /position (\d+)/.exec(message);
    return !(match && Number(match[1]) >= prefix.length);
  }
}

function lineColumnOfChar(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/** Reads a JSON file strictly (see readTextStrict); any problem is a ReadProblem. */
export function readJsonStrict(file: string): unknown {
  return parseJsonText(readTextStrict(file), file);
}
