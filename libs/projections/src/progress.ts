import type { RebuildProgress } from './projection-runner';

/** A one-line progress display for long rebuilds: "rebuild scorecard  42.0 %  420,000/1,000,000  31,250 ev/s  ETA 19 s". */
export function progressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr, everyMs = 500) {
  let lastPrint = 0;
  return (p: RebuildProgress) => {
    const now = Date.now();
    if (now - lastPrint < everyMs && p.done < p.total) return;
    lastPrint = now;
    const pct = p.total > 0n ? (Number((p.done * 10000n) / p.total) / 100).toFixed(1) : '100.0';
    const eta = p.eventsPerSecond > 0 ? Math.ceil(Number(p.total - p.done) / p.eventsPerSecond) : 0;
    const line = `${label}  ${pct.padStart(5)} %  ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')}  ${Math.round(p.eventsPerSecond).toLocaleString('en')} ev/s  ETA ${eta} s`;
    if (stream.isTTY) stream.write(`\r${line}`);
    else stream.write(`${line}\n`);
  };
}
