export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The spread of a figure over runs: what bench/README.md publishes, so a later run can be compared. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  return {
    min: Math.min(...values),
    median: median(values),
    max: Math.max(...values),
    runs: values.length,
  };
}

/** "14.35 / 14.60 / 14.65 ms" (min / median / max); one run prints as its single value. */
export function formatSpread(values: number[] | Spread, digits = 1, unit = ''): string {
  const s = Array.isArray(values) ? spread(values) : values;
  const f = (value: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  const suffix = unit ? ` ${unit}` : '';
  return s.runs === 1 ? `${f(s.median)}${suffix} (1 run)` : `${f(s.min)} / ${f(s.median)} / ${f(s.max)}${suffix}`;
}
