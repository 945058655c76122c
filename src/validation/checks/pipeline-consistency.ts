/**
 * Feature pipeline consistency: the serving path (one row at a time, as an endpoint sees them,
 * the fitted recipe applied row by row) must answer what the batch path answered for the same
 * rows. A difference means the preprocessing depends on the batch (statistics computed per call,
 * row order, types that change with batch size) and the model will behave differently in
 * production than in this report.
 */
import {
  type CheckResult,
  type Frame,
  numberIn,
  readParams,
  statusOf,
  type ValidationCheck,
  type ValidationContext,
} from '../check.js';
import { sampleIndices } from './frame-tools.js';

export interface ConsistencyParams extends Record<string, unknown> {
  rows: number;
  tolerance: number;
}

/** Row `i` of a frame as a one-row frame. */
function rowFrame(frame: Frame, i: number): Frame {
  return {
    rows: 1,
    columns: Object.fromEntries(
      Object.entries(frame.columns).map(([k, col]) => [
        k,
        col instanceof Float64Array ? col.subarray(i, i + 1) : [col[i]],
      ]),
    ),
  };
}

export const pipelineConsistencyCheck: ValidationCheck<ConsistencyParams> = {
  name: 'pipeline-consistency',
  title: 'Feature pipeline consistency',
  description:
    'Predicts sample rows one at a time (the serving path, the fitted recipe applied row by row) and compares with the batch predictions of the same rows. Any difference beyond the tolerance fails: the model would not behave in production as it does in this report.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: {
    rows: { help: 'rows predicted one at a time (sampled, seeded)', default: 200 },
    tolerance: { help: 'largest relative difference accepted between the two paths', default: 1e-9 },
  },
  parseParams: (raw) =>
    readParams<ConsistencyParams>('pipeline-consistency', pipelineConsistencyCheck.params, raw, {
      rows: (v) => Math.round(numberIn(1, 100_000)(v)),
      tolerance: numberIn(0, 1),
    }),
  async run(ctx: ValidationContext, p: ConsistencyParams): Promise<Omit<CheckResult, 'seconds'>> {
    const picked = Array.from(sampleIndices(ctx.test.rows, p.rows, ctx.seed));
    const batch = ctx.candidate.test;
    const k = ctx.classes?.length ?? 0;
    const mismatches: (string | number | boolean | null)[][] = [];
    let worst = 0;
    for (const i of picked) {
      const one = await ctx.candidate.predict(rowFrame(ctx.test, i));
      const pairs: [number, number][] = k
        ? Array.from({ length: k }, (_, c) => [one.proba![c]!, batch.proba![i * k + c]!])
        : [[one.y[0]!, batch.y[i]!]];
      let diff = 0;
      for (const [a, b] of pairs) {
        const d = Number.isNaN(a) && Number.isNaN(b) ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(b));
        diff = Math.max(diff, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
      }
      worst = Math.max(worst, diff);
      if (diff > p.tolerance)
        mismatches.push([
          i,
          k ? String(ctx.classes![one.y[0]!]) : one.y[0]!,
          k ? String(ctx.classes![batch.y[i]!]) : batch.y[i]!,
          diff,
        ]);
    }
    const share = picked.length ? mismatches.length / picked.length : 0;
    const threshold = { bad: 'above' as const, fail: 0 };
    return {
      check: 'pipeline-consistency',
      title: 'Feature pipeline consistency',
      status: statusOf(share, threshold),
      measure: 'share of sample rows whose row-by-row prediction differs from the batch prediction',
      value: share,
      threshold,
      message: mismatches.length
        ? `${mismatches.length} of ${picked.length} rows predicted one at a time differ from the batch predictions (largest relative difference ${worst.toExponential(2)})`
        : `all ${picked.length} rows predicted one at a time equal the batch predictions (largest relative difference ${worst.toExponential(2)})`,
      tables: mismatches.length
        ? [
            {
              title: 'Rows whose serving-path prediction differs',
              columns: ['row', 'one at a time', 'in the batch', 'relative difference'],
              rows: mismatches.slice(0, 50),
            },
          ]
        : [],
      charts: [],
      ...(picked.length < ctx.test.rows ? { sample: { rows: picked.length, of: ctx.test.rows } } : {}),
    };
  },
};
