/** Progress goes to stderr, so stdout is the report alone. */
export const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

export function wholeNumber(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return n;
}
