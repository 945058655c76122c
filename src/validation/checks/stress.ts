/**
 * The `stress` check: what the model does with the inputs production will send sooner or later —
 * missing values, values far out of range, categories it never saw, empty strings, a huge batch —
 * and how long a single-row prediction takes.
 */
import { quantile } from '../../stats/index.js';
import type { CheckResult, CheckTable, ValidationCheck, ValidationContext } from '../check.js';
import { integerIn, numberIn, readParams, statusOf } from '../check.js';
import { booleanValue, round, sampleIndices, takeRows } from './frame-tools.js';
import { attempt, errorText, oneRow, repeatRows, scenarios } from './stress-scenarios.js';

/** Parameters of the stress check. */
export interface StressParams extends Record<string, unknown> {
  rows: number;
  missingShare: number;
  batchRows: number;
  latencyRows: number;
  maxLatencyMs: number;
  maxFailed: number;
  allowRefusals: boolean;
}

const PARAMS = {
  rows: { help: 'test rows each scenario uses (at most the suite sample size)', default: 1000 },
  missingShare: { help: 'share of cells set missing in the random-missing scenario', default: 0.1 },
  batchRows: { help: 'rows of the huge-batch scenario (the sample repeated)', default: 50_000 },
  latencyRows: { help: 'single-row predictions timed for latency (0: no latency measure)', default: 200 },
  maxLatencyMs: {
    help: 'median single-row latency in milliseconds above which the check warns',
    default: 50,
  },
  maxFailed: { help: 'failed scenarios tolerated before the check fails', default: 0 },
  allowRefusals: {
    help: 'count a scenario where the model throws an error (refuses the input) as handled, with a warning',
    default: false,
  },
} as const;

type Row = [scenario: string, ok: boolean, outcome: string, detail: string];

/** Stress: missing values, out-of-range values, unseen categories, a huge batch, latency. */
export const stressCheck: ValidationCheck<StressParams> = {
  name: 'stress',
  title: 'Stress: bad inputs, huge batches, latency',
  description:
    'Calls the model on copies of test rows with each feature missing in turn, 10% of cells missing at ' +
    'random, numbers 10 times beyond their largest magnitude, unseen categories and empty strings in ' +
    'text features, and on a 50,000-row batch (time and memory growth); then times 200 single-row ' +
    'predictions. A scenario fails when the model throws or answers NaN, infinite, undefined or missing ' +
    'predictions. Every scenario is an input production will send sooner or later, so by default one ' +
    'failure fails the check: put an imputer, a schema check or a fallback in front of the model ' +
    '(allowRefusals: true counts a clear error as handled). A median single-row latency above 50 ms warns.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: PARAMS,
  parseParams(raw) {
    return readParams<StressParams>('stress', PARAMS, raw, {
      rows: integerIn(1, 1_000_000),
      missingShare: numberIn(0, 1),
      batchRows: integerIn(0, 10_000_000),
      latencyRows: integerIn(0, 100_000),
      maxLatencyMs: numberIn(0, 3_600_000),
      maxFailed: integerIn(0, 1_000_000),
      allowRefusals: booleanValue,
    });
  },
  async run(ctx: ValidationContext, p: StressParams): Promise<Omit<CheckResult, 'seconds'>> {
    const head = { check: 'stress', title: this.title, measure: 'scenarios where the model failed' };
    const take = Math.min(p.rows, ctx.sampleSize);
    const frame = takeRows(ctx.test, ctx.features, sampleIndices(ctx.test.rows, take, ctx.seed));
    const n = frame.rows;
    if (n === 0)
      return {
        ...head,
        status: 'skip',
        value: null,
        threshold: null,
        message: 'Skipped: the test set has no rows.',
        tables: [],
        charts: [],
      };
    const rows: Row[] = [];
    let failed = 0;
    let refused = 0;
    const record = (name: string, outcome: Awaited<ReturnType<typeof attempt>>, extra = '') => {
      if (outcome.kind === 'ok') {
        rows.push([name, true, 'ok', extra]);
        return true;
      }
      const handled = outcome.kind === 'threw' && p.allowRefusals;
      if (handled) refused++;
      else failed++;
      const verb = outcome.kind === 'threw' ? 'threw' : 'invalid';
      rows.push([name, handled, verb, `${outcome.detail}${extra ? `; ${extra}` : ''}`]);
      return false;
    };

    for (const s of scenarios(frame, ctx.features, p.missingShare, ctx.seed)) {
      const outcome = await attempt(ctx.candidate, s.build(s.columns));
      let culprits = '';
      if (outcome.kind !== 'ok' && s.columns.length > 1) {
        const names: string[] = [];
        for (const c of s.columns.slice(0, 30))
          if ((await attempt(ctx.candidate, s.build([c]))).kind !== 'ok') names.push(c);
        culprits = names.length ? `fails with only: ${names.join(', ')}` : 'no single feature fails alone';
      }
      record(s.name, outcome, culprits);
    }

    if (p.batchRows > 0) {
      const big = repeatRows(frame, p.batchRows);
      const rss = process.memoryUsage().rss;
      const t0 = performance.now();
      const outcome = await attempt(ctx.candidate, big);
      const seconds = (performance.now() - t0) / 1000;
      const growth = (process.memoryUsage().rss - rss) / 2 ** 20;
      const rate = seconds > 0 ? Math.round(p.batchRows / seconds) : Number.POSITIVE_INFINITY;
      record(
        `huge batch (${p.batchRows} rows)`,
        outcome,
        `${round(seconds, 3)} s (${rate} rows/s), RSS growth ${round(growth, 3)} MB`,
      );
    }

    const latencies: number[] = [];
    let latencyError = '';
    for (let i = 0; i < p.latencyRows && !latencyError; i++) {
      const one = oneRow(frame, i % n);
      const t0 = performance.now();
      try {
        await ctx.candidate.predict(one);
        latencies.push(performance.now() - t0);
      } catch (err) {
        latencyError = errorText(err);
      }
    }
    let slow = false;
    let latencyText = '';
    if (latencyError) record('single-row predictions', { kind: 'threw', detail: latencyError });
    else if (latencies.length) {
      const [p50, p90, p99, max] = quantile(latencies, [0.5, 0.9, 0.99, 1]).map((x) => round(x, 3)) as [
        number,
        number,
        number,
        number,
      ];
      slow = p50 > p.maxLatencyMs;
      latencyText = `single-row latency p50 ${p50} ms, p99 ${p99} ms`;
      rows.push([
        `single-row latency (${latencies.length} calls)`,
        !slow,
        slow ? 'slow' : 'ok',
        `p50 ${p50} ms, p90 ${p90} ms, p99 ${p99} ms, max ${max} ms (limit: p50 <= ${p.maxLatencyMs} ms)`,
      ]);
    }

    const threshold = { bad: 'above' as const, fail: p.maxFailed };
    let status = statusOf(failed, threshold);
    if (status === 'pass' && (slow || refused > 0 || failed > 0)) status = 'warn';
    const bad = rows.filter((r) => !r[1] && r[2] !== 'slow');
    const baselineFailed = rows[0]?.[0].startsWith('baseline') && rows[0][2] !== 'ok';
    const message =
      (baselineFailed ? 'The model fails even on unmodified test rows. ' : '') +
      (failed
        ? `The model failed ${failed} of ${rows.length} stress scenarios: ${bad
            .slice(0, 4)
            .map((r) => `${r[0]} (${r[2]})`)
            .join(', ')}${failed > 4 ? ', …' : ''}.`
        : `The model handled all ${rows.length} stress scenarios${refused ? ` (${refused} with a clear error, allowed)` : ''}.`) +
      (latencyText ? ` ${latencyText}${slow ? `, above the ${p.maxLatencyMs} ms limit` : ''}.` : '');
    const table: CheckTable = {
      title: 'Stress scenarios (failures first)',
      columns: ['scenario', 'ok', 'outcome', 'detail'],
      rows: [...rows].sort((a, b) => Number(a[1]) - Number(b[1])),
    };
    const lat = latencies.length ? quantile(latencies, [0.5, 0.9, 0.99, 1]).map((x) => round(x, 3)) : [];
    return {
      ...head,
      status,
      value: failed,
      threshold,
      message,
      tables: [table],
      charts: lat.length
        ? [
            {
              kind: 'bar',
              title: `Single-row latency (${latencies.length} calls)`,
              xLabel: 'quantile',
              yLabel: 'milliseconds',
              labels: ['p50', 'p90', 'p99', 'max'],
              series: [{ name: 'latency', values: lat }],
              marks: [{ name: 'limit (p50)', value: p.maxLatencyMs, axis: 'y' }],
            },
          ]
        : [],
      ...(ctx.test.rows > n ? { sample: { rows: n, of: ctx.test.rows } } : {}),
    };
  },
};
