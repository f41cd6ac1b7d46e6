/**
 * Text as compared, never as stored: Unicode NFC, case folded, typographic quotes unified,
 * Markdown and HTML markup dropped, punctuation and white space folded to single spaces.
 */
export function normalizeForCompare(text: string): string {
  return text
    .normalize('NFC')
    .replace(/<[^>\n]{0,200}>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/&(?:nbsp|#160|#xa0);/gi, ' ')
    .replace(/[’‘ʼ`´]/g, "'")
    .replace(/[“”«»„]/g, '"')
    .toLocaleLowerCase('fr-FR')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
