/**
 * Bytes of an imported file to text. UTF-8 is tried first and strictly, so a UTF-8 file is
 * never taken for anything else; otherwise the old site's usual Windows-1252 (of which Latin-1
 * is, for text, a subset) is tried, and kept only when the result reads as French text.
 * Anything else is refused with the reason: never silently mangled.
 */
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | (string & {});

export type DecodeResult =
  | { ok: true; text: string; encoding: Encoding; warnings: string[] }
  | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bytes Windows-1252 leaves undefined: a file holding them is in some other encoding. */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Characters above ASCII that French text in Windows-1252 / Latin-1 really uses: accented
 * letters, œ, quotes, dashes, ellipsis, no-break space, €, °, «»… Anything else (¤, ¦, Š, ‰…)
 * hints at another encoding (ISO-8859-15, Mac Roman, a code page) and is refused.
 */
const PLAUSIBLE_HIGH = /[\u00a0\u00a1\u00a7\u00a9\u00aa\u00ab\u00ae\u00b0-\u00b3\u00b5\u00b7\u00b9-\u00bb\u00bf-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0178\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u20ac\u2122]/u;

/** UTF-8 read as Windows-1252 (`Ã©`, `â€™`): the bytes were UTF-8 and something else at once. */
const MOJIBAKE = /Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€[\u0099\u009c\u009d\u00a6\u0153\u201c\u201d\u2122\u2019\u2018\u201d\u02dc\u0161\u017e\u2022\u2013\u2014\u20ac]|Â[\u00a0\u00ab\u00bb\u00b0]/u;

function controlCharacter(text: string): number {
  // Tab, line feed, form feed and carriage return are text; other C0/C1 controls are not.
  return text.search(/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/u);
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The `encoding="…"` of an XML declaration, read from the first bytes (ASCII in every encoding that has one). */
export function declaredXmlEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
  return /^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

/**
 * `declared`: the encoding the file names for itself (an XML declaration). It is followed when
 * it is not UTF-8 and iconv-lite knows it: ISO-8859-15 puts € where Windows-1252 has ¤, and only
 * the declaration tells them apart.
 */
export function decodeText(bytes: Uint8Array, declared?: string): DecodeResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const named = declared?.toLowerCase().replace(/_/g, '-');
  if (named && !/^utf-?8$/.test(named) && !/^utf-?16/.test(named)) {
    if (!iconv.encodingExists(named)) {
      return { ok: false, reason: `encodage déclaré « ${declared} » inconnu : convertissez le fichier en UTF-8 et corrigez sa déclaration <?xml … encoding="UTF-8"?>` };
    }
    if (buffer.some((b) => b >= 0x80)) {
      // Valid UTF-8 with accents is UTF-8 whatever the declaration says (a common slip of old feeds).
      try {
        const text = utf8.decode(buffer);
        const result = checked(text, 'utf-8');
        if (result.ok) result.warnings.push(`le fichier se déclare en ${declared} mais il est écrit en UTF-8 : il est lu en UTF-8`);
        return result;
      } catch {
        // Not UTF-8: the declaration holds.
      }
    }
    const canonical = /^(iso-?8859-1|latin-?1|windows-1252|cp1252|us-ascii|ascii)$/.test(named) ? 'windows-1252' : named;
    return checked(iconv.decode(buffer, canonical), canonical === 'windows-1252' ? 'windows-1252' : canonical);
  }
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return checked(iconv.decode(buffer.subarray(2), 'utf-16le'), 'utf-16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return checked(iconv.decode(buffer.subarray(2), 'utf-16be'), 'utf-16be');
  if (buffer.includes(0)) {
    return { ok: false, reason: 'fichier binaire ou en UTF-16 sans BOM (octets nuls) : enregistrez-le en texte UTF-8' };
  }
  try {
    return checked(utf8.decode(buffer), 'utf-8');
  } catch {
    // Not UTF-8: try Windows-1252 / Latin-1 below.
  }
  for (let i = 0; i < buffer.length; i++) {
    if (UNDEFINED_1252.has(buffer[i]!)) {
      return { ok: false, reason: `encodage non reconnu : ni UTF-8 ni Windows-1252 (octet 0x${buffer[i]!.toString(16)} à la position ${i}) : convertissez le fichier en UTF-8 (ex. iconv -f <encodage> -t UTF-8)` };
    }
  }
  const text = iconv.decode(buffer, 'windows-1252');
  const mojibake = MOJIBAKE.exec(text);
  if (mojibake) {
    return { ok: false, reason: `encodage mélangé : UTF-8 et Windows-1252 dans le même fichier (« ${mojibake[0]} » ligne ${lineOf(text, mojibake.index)}) : corrigez le fichier et enregistrez-le en UTF-8` };
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c.charCodeAt(0) < 0x80) continue;
    if (!PLAUSIBLE_HIGH.test(c)) {
      return { ok: false, reason: `encodage non reconnu : ni UTF-8, ni Windows-1252/Latin-1 vraisemblable (caractère « ${c} » ligne ${lineOf(text, i)}) : convertissez le fichier en UTF-8 (ex. iconv -f ISO-8859-15 -t UTF-8)` };
    }
  }
  return checked(text, 'windows-1252');
}

function checked(text: string, encoding: Encoding): DecodeResult {
  const withoutBom = text.replace(/^\uFEFF/, '');
  const control = controlCharacter(withoutBom);
  if (control >= 0) {
    return { ok: false, reason: `caractère de contrôle U+${withoutBom.charCodeAt(control).toString(16).toUpperCase().padStart(4, '0')} ligne ${lineOf(withoutBom, control)} : ce n’est pas un texte, ou il est abîmé` };
  }
  const warnings: string[] = [];
  if (encoding === 'utf-8') {
    const mojibake = MOJIBAKE.exec(withoutBom);
    if (mojibake) warnings.push(`le texte semble déjà abîmé par un double encodage (« ${mojibake[0]} » ligne ${lineOf(withoutBom, mojibake.index)}) : vérifiez les accents du billet`);
  }
  return { ok: true, text: withoutBom, encoding, warnings };
}

/** How an encoding is named to the user. */
export function encodingLabel(encoding: Encoding): string {
  return encoding === 'windows-1252' ? 'Windows-1252 (Latin-1)' : encoding.toUpperCase();
}
