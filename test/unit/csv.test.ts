import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/server/http/csv.ts';

/** Splits a line the way a spreadsheet that ignores quotes would, on `separator`. */
const naiveCells = (line: string, separator: string) => line.split(separator).map((cell) => cell.replace(/^"+/, ''));
const formula = /^[=+\-@\t\r]/;

describe('CSV cells', () => {
  it('quotes every field, doubling inner quotes, and writes empty for null', () => {
    expect(csvRow(['id', 42, null, 'say "hi"', { a: 1 }])).toBe('"id","42","","say ""hi""","{""a"":1}"\r\n');
  });

  it('neutralises a formula sign at the start of a value', () => {
    for (const sign of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${sign}cmd`)).toBe(`"'${sign}cmd"`);
  });

  it('issue 12 finding 6: "a;=1+1;b" is not a formula in a locale whose list separator is ";"', () => {
    const line = csvRow(['a;=1+1;b', 'x,@SUM(A1)', 'y|-2+3', 'tab\t+1']);
    expect(line).toBe(`"a;'=1+1;b","x,'@SUM(A1)","y|'-2+3","tab\t'+1"\r\n`);
    for (const separator of [',', ';', '\t', '|']) {
      for (const cell of naiveCells(line.trimEnd(), separator))
        expect(cell, `split on ${separator}`).not.toMatch(formula);
    }
  });

  it('neutralises signs that follow one another after separators (no overlap is missed)', () => {
    expect(csvCell('a\t\t=1')).toBe(`"a\t'\t'=1"`);
    expect(csvCell(';;=1')).toBe(`";;'=1"`);
  });

  it('leaves signs in the middle of text alone', () => {
    expect(csvCell('2026-01-31 a=b x+y')).toBe('"2026-01-31 a=b x+y"');
  });
});
