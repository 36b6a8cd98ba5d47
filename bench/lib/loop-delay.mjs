// Preloaded into the portal child with `node --import` (no server code changes): samples the event
// loop's delay, and on SIGUSR2 writes the percentiles since the last signal to BENCH_LOOP_DELAY_FILE.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_DELAY_FILE;
if (file) {
  const resolution = 10;
  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  let seq = 0;
  process.on('SIGUSR2', () => {
    seq += 1;
    // The histogram records the whole interval between timer ticks: the delay is what exceeds the resolution.
    const ms = (ns) => Math.max(0, ns / 1e6 - resolution);
    const summary = {
      seq,
      samples: histogram.count,
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    };
    histogram.reset();
    writeFileSync(file, JSON.stringify(summary));
  });
}
