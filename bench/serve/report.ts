/**
 * The table of bench/serve/serve.ts: requests/s, p50 and p99 of each server at maximum load and at
 * the fixed rate, the ratios, and the targets of issue 8 with a verdict each.
 */
import type { FixedRateResult } from './fixed-rate.js';
import type { WrkResult } from './processes.js';

type MaxLoad = WrkResult & { rps: number; errors: number };

/** Everything serve.ts measured; a server is absent when it was skipped or not available. */
export interface Figures {
  connections: number;
  fixedRate: number;
  targetRps: number;
  targetP99Ms: number;
  targetRatio: number;
  /** Max |P(class 1)| difference between Lathe and the peer on the first rows. */
  agreement?: number;
  peer?: {
    label: string;
    config: string;
    max: MaxLoad;
    fixed: FixedRateResult;
    atSustainable: FixedRateResult;
  };
  lathe?: {
    label: string;
    max: MaxLoad;
    fixed: FixedRateResult;
    atPeerMultiple?: FixedRateResult;
    hotSwap?: HotSwap;
  };
}

/** A fixed-rate run during which the deployment's alias moved to another version. */
export interface HotSwap {
  run: FixedRateResult;
  /** The version answering after the run (`bench@2` when the swap happened). */
  answeredBy: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
function ms(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`;
}
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function row(cells: string[]): string {
  const widths = [38, 9, 10, 10, 10, 10, 22];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
}

function fixedRow(label: string, f: FixedRateResult): string {
  const bad = f.errors + f.unfinished;
  return row([
    label,
    int(f.achieved),
    ms(f.p50),
    ms(f.p99),
    ms(f.p999),
    ms(f.max),
    bad > 0 ? `${int(f.errors)} err, ${int(f.unfinished)} unanswered` : '0',
  ]);
}

/** Prints the table, ratios and verdicts to stdout. */
export function printReport(f: Figures): void {
  const { peer, lathe } = f;
  if (peer) console.log(`\npeer configuration: gunicorn ${peer.config}`);
  console.log(`\n${row(['', 'req/s', 'p50', 'p99', 'p99.9', 'max', 'errors'])}`);
  console.log(`max load (wrk, closed loop, ${f.connections} keep-alive connections)`);
  for (const s of [peer, lathe])
    if (s)
      console.log(
        row([
          `  ${s.label}`,
          int(s.max.rps),
          ms(s.max.p50Us / 1000),
          ms(s.max.p99Us / 1000),
          ms(s.max.p999Us / 1000),
          ms(s.max.maxUs / 1000),
          String(s.max.errors),
        ]),
      );
  console.log(`fixed ${int(f.fixedRate)} req/s (open loop, latency from the intended send time)`);
  for (const s of [peer, lathe]) if (s) console.log(fixedRow(`  ${s.label}`, s.fixed));
  if (peer) {
    console.log(
      'the 5x comparison (open loop): the peer at the highest share of its max it sustains, Lathe at 5x that',
    );
    console.log(fixedRow(`  peer at ${int(peer.atSustainable.rate)} req/s`, peer.atSustainable));
    if (lathe?.atPeerMultiple)
      console.log(
        fixedRow(`  Lathe at 5x that, ${int(lathe.atPeerMultiple.rate)} req/s`, lathe.atPeerMultiple),
      );
    else if (lathe)
      console.log(
        `  Lathe at 5x that, ${int(peer.atSustainable.rate * 5)} req/s: not run (above its maximum)`,
      );
  }
  if (peer && peer.fixed.achieved < f.fixedRate * 0.95)
    console.log(
      `  (the peer cannot sustain ${int(f.fixedRate)} req/s: its queue grows for the whole run, so its latency there measures the backlog)`,
    );
  if (f.agreement !== undefined)
    console.log(
      `\nagreement: max |P(1)| difference Lathe vs XGBoost on 50 rows ${f.agreement.toExponential(2)} (expected <= 1e-6)`,
    );

  if (!lathe) {
    console.log('\nLathe endpoint not measured: the targets are not checked.');
    return;
  }
  const ratio = peer ? lathe.max.rps / peer.max.rps : Number.NaN;
  console.log('\ntargets');
  console.log(
    `  single-row throughput ${int(lathe.max.rps)} req/s (target >= ${int(f.targetRps)})  ${verdict(lathe.max.rps >= f.targetRps && lathe.max.errors === 0)}`,
  );
  const fixedOk = lathe.fixed.p99 <= f.targetP99Ms && lathe.fixed.errors + lathe.fixed.unfinished === 0;
  console.log(
    `  p99 at ${int(f.fixedRate)} req/s ${ms(lathe.fixed.p99)} (target <= ${f.targetP99Ms} ms)  ${verdict(fixedOk)}`,
  );
  if (peer) {
    const p99Max = lathe.max.p99Us <= peer.max.p99Us;
    console.log(
      `  throughput Lathe/peer x${ratio.toFixed(2)} at max load, p99 ${ms(lathe.max.p99Us / 1000)} vs ${ms(peer.max.p99Us / 1000)} (target >= ${f.targetRatio}x at equal or better p99)  ${verdict(ratio >= f.targetRatio && p99Max)}`,
    );
    const m = lathe.atPeerMultiple;
    if (!m)
      console.log(
        `  Lathe at 5x the peer's sustained rate (${int(peer.atSustainable.rate * 5)} req/s): above Lathe's maximum  MISSED`,
      );
    else {
      const ok =
        m.p99 <= peer.atSustainable.p99 && m.errors + m.unfinished === 0 && m.achieved >= m.rate * 0.95;
      console.log(
        `  Lathe at 5x the peer's sustained rate: ${int(m.achieved)} req/s p99 ${ms(m.p99)} vs peer ${ms(peer.atSustainable.p99)} at ${int(peer.atSustainable.achieved)} req/s  ${verdict(ok)}`,
      );
    }
  }
  const h = lathe.hotSwap;
  if (h) {
    const failed = h.run.errors + h.run.unfinished;
    console.log(
      `  hot swap under load (alias moved halfway through ${int(h.run.counted)} requests at ${int(h.run.rate)} req/s): ${failed} failed, p99 ${ms(h.run.p99)}, answering after: ${h.answeredBy}  ${verdict(failed === 0 && h.answeredBy.endsWith('@2'))}`,
    );
  }
}
