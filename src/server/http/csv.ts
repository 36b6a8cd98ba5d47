/**
 * RFC 4180 CSV that a spreadsheet cannot turn into formulas (OWASP "CSV Injection"), used by every
 * CSV export (audit log, Providers report, users).
 *
 * - Every field is quoted, so a separator inside a value never starts a new cell, whatever list
 *   separator the reader's locale uses (`,` or `;`).
 * - A formula sign (= + - @, or a tab/CR that some programs skip) gets a leading `'` at the start of
 *   the value **and** after each character a spreadsheet may split on (`,` `;` tab `|` CR LF): a reader
 *   that ignores quotes and splits `a;=1+1;b` on `;` still sees `'=1+1`, text, not a formula.
 */
const FORMULA_START = /(?<=^|[,;\t|\r\n])(?=[=+\-@\t\r])/g;
/** The same test without rewriting: most cells (ids, times, names) need neither change (a 1 M-row export's hot path). */
const HAS_FORMULA_START = /(?:^|[,;\t|\r\n])[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (HAS_FORMULA_START.test(text)) text = text.replace(FORMULA_START, "'");
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
