import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { declaredXmlEncoding, decodeText } from '../../src/import/encoding.js';
import { ROOT } from '../helpers/cli.js';

const FRENCH = 'Les vœux de l’équipe : « À bientôt » — stratégie Web… 12\u00a0045 € ; déjà 1er août, ça côtoie l’été.';

function decoded(bytes: Uint8Array) {
  const result = decodeText(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('decodeText', () => {
  test('UTF-8 is never taken for anything else (accents, emoji, text that would also be valid Windows-1252)', () => {
    for (const text of [FRENCH, 'ASCII only', 'Ã© est une suite rare mais valide', '😀 émoji', 'Â«']) {
      const result = decoded(Buffer.from(text, 'utf8'));
      expect(result.encoding).toBe('utf-8');
      expect(result.text).toBe(text);
    }
  });

  test('a UTF-8 BOM is skipped; UTF-16 with a BOM is read', () => {
    expect(decoded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FRENCH)])).text).toBe(FRENCH);
    const le = decoded(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(FRENCH, 'utf-16le')]));
    expect(le).toMatchObject({ encoding: 'utf-16le', text: FRENCH });
  });

  test('Windows-1252 is detected and converted (’ … œ € and no-break space included)', () => {
    const result = decoded(iconv.encode(FRENCH, 'windows-1252'));
    expect(result.encoding).toBe('windows-1252');
    expect(result.text).toBe(FRENCH);
  });

  test('Latin-1 (ISO-8859-1) text reads the same', () => {
    const text = 'Déjà été à côté : « Réseaux sociaux » çà et là, 1\u00a0234 lectures.';
    expect(decoded(iconv.encode(text, 'latin1'))).toMatchObject({ encoding: 'windows-1252', text });
  });

  test('the Windows-1252 fixture page decodes to the text it was written from', () => {
    const bytes = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'import', 'pages', '05-windows-1252.txt'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const result = decoded(bytes);
    expect(result.encoding).toBe('windows-1252');
    expect(result.text).toContain('Les vœux de l’équipe');
    expect(result.text).toContain('Cœur de métier : la stratégie Web… et l’accompagnement.');
  });

  test('other encodings are refused with a reason, never mangled', () => {
    const refused = (bytes: Uint8Array) => {
      const result = decodeText(bytes);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.reason;
    };
    // ISO-8859-15 puts € at 0xA4, which Windows-1252 reads as ¤.
    expect(refused(iconv.encode('Prix : 20 € pour l’atelier de l’été', 'iso-8859-15'))).toMatch(/encodage non reconnu.*« ¤ »/);
    // A byte Windows-1252 leaves undefined.
    expect(refused(Buffer.from([0x61, 0x81, 0x62]))).toMatch(/octet 0x81/);
    // UTF-8 and Windows-1252 mixed in one file.
    expect(refused(Buffer.concat([Buffer.from('Réseaux ', 'utf8'), iconv.encode('été', 'windows-1252')]))).toMatch(/encodage mélangé/);
    // Binary, or UTF-16 without a BOM.
    expect(refused(iconv.encode('texte', 'utf-16le'))).toMatch(/octets nuls/);
    // Control characters are not text.
    expect(refused(Buffer.from('titre\u001b[31m', 'utf8'))).toMatch(/caractère de contrôle U\+001B/);
  });

  test('UTF-8 that was already double-encoded is imported but flagged', () => {
    const result = decoded(Buffer.from('Le miroir brisÃ© des rÃ©seaux', 'utf8'));
    expect(result.warnings.join()).toMatch(/double encodage/);
  });
});

describe('an XML declaration names the encoding', () => {
  const feed = (encoding: string, title: string) => `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><item><title>${title}</title></item></channel></rss>\n`;

  test('ISO-8859-15 is read as declared (€ where Windows-1252 has ¤)', () => {
    const bytes = iconv.encode(feed('ISO-8859-15', 'Stage à 20 € : œuvre'), 'iso-8859-15');
    expect(declaredXmlEncoding(bytes)).toBe('ISO-8859-15');
    expect(decodeText(bytes, declaredXmlEncoding(bytes))).toMatchObject({ ok: true, text: feed('ISO-8859-15', 'Stage à 20 € : œuvre') });
    // Without the declaration, the same bytes are refused rather than mangled.
    expect(decodeText(bytes)).toMatchObject({ ok: false });
  });

  test('a feed that says ISO-8859-1 but is written in UTF-8 is read as UTF-8, with a warning', () => {
    const bytes = Buffer.from(feed('ISO-8859-1', 'Journée « été »'), 'utf8');
    const result = decodeText(bytes, declaredXmlEncoding(bytes));
    expect(result).toMatchObject({ ok: true, encoding: 'utf-8', text: feed('ISO-8859-1', 'Journée « été »') });
    expect(result.ok && result.warnings.join()).toMatch(/se déclare en ISO-8859-1 mais il est écrit en UTF-8/);
  });

  test('an unknown declared encoding is refused', () => {
    const bytes = Buffer.from(feed('x-klingon', 'a'), 'utf8');
    expect(decodeText(bytes, declaredXmlEncoding(bytes))).toMatchObject({ ok: false, reason: expect.stringContaining('« x-klingon » inconnu') });
  });
});
