import type { Load, Machine } from './proc.ts';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Every report opens alike: what ran, when, on what, and how busy the machine was meanwhile. */
export function header(
  title: string,
  report: { date: string; machine: Machine; load: { start: Load; end: Load } },
  options: { overRuns: boolean } = { overRuns: true },
) {
  const m = report.machine;
  return [
    `# Portcullis benchmarks: ${title} — ${report.date}`,
    '',
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node} (CLK_TCK ${m.clockTicks})`,
    `Other load on the machine: load average ${report.load.start.loadAverage} at the start, ${report.load.end.loadAverage} at the end; ` +
      `CPU pressure (PSI "some", 60 s) ${report.load.start.cpuPressure} → ${report.load.end.cpuPressure} (the end figure includes this benchmark). ` +
      `${options.overRuns ? 'Figures are min / median / max over runs; c' : 'C'}ompare a later run with these only at a similar load.`,
    '',
  ];
}
