/**
 * The worker side of a fit: a task module for src/ml/parallel's WorkerPool. The features arrive in
 * SharedArrayBuffers (not copied); progress goes back through a shared control block the caller
 * polls, and the caller's stop request comes in through the same block.
 */
import { type ModelFamily, modelFamily, type ParamSet, type SavedModel, type Task } from '../ml/index.js';

/** Slots of the shared Int32Array control block. */
export const CONTROL = { stop: 0, seq: 1, iteration: 2, total: 3, metricsLength: 4, size: 5 } as const;
/** Bytes of the shared buffer holding the latest progress metrics as JSON. */
export const METRICS_BYTES = 4096;

/** A fit's inputs as the worker receives them: shared feature arrays and the control block. */
export interface FitTaskArgs {
  family: string;
  X: Float64Array;
  rows: number;
  cols: number;
  y: Float64Array;
  params: ParamSet;
  task: Task;
  classes: number;
  validation?: { X: Float64Array; rows: number; y: Float64Array };
  control: Int32Array;
  metrics: Uint8Array;
}

/** A finished fit, as the worker sends it back. */
export interface FitTaskResult {
  saved: SavedModel;
  /** Every progress report's metrics, by iteration (at most 100,000 kept). */
  history: { iteration: number; metrics: Record<string, number> }[];
  iterations: number | null;
  fitSeconds: number;
}

/**
 * Fits a family in this worker; see {@link FitTaskArgs}. With `threads` > 1 among the params, a
 * family that has `fitAsync` spreads its work over that many threads (the model is the same).
 */
export async function fitFamily(args: FitTaskArgs): Promise<FitTaskResult> {
  const { control, metrics } = args;
  const family = modelFamily(args.family);
  const encoder = new TextEncoder();
  const started = performance.now();
  const history: FitTaskResult['history'] = [];
  const threads = args.params['threads'];
  const parallel = family.fitAsync !== undefined && typeof threads === 'number' && threads > 1;
  const fit = (...a: Parameters<ModelFamily['fit']>) =>
    parallel ? family.fitAsync!(...a) : family.fit(...a);
  const model = await fit({ data: args.X, rows: args.rows, cols: args.cols }, args.y, args.params, {
    task: args.task,
    classes: args.classes,
    ...(args.validation
      ? {
          validation: {
            X: { data: args.validation.X, rows: args.validation.rows, cols: args.cols },
            y: args.validation.y,
          },
        }
      : {}),
    onProgress: (p) => {
      if (p.metrics && history.length < 100_000) history.push({ iteration: p.iteration, metrics: p.metrics });
      const bytes = encoder.encode(JSON.stringify(p.metrics ?? {}));
      const n = bytes.length <= METRICS_BYTES ? bytes.length : 0;
      if (n) metrics.set(bytes);
      Atomics.store(control, CONTROL.metricsLength, n);
      Atomics.store(control, CONTROL.iteration, p.iteration);
      Atomics.store(control, CONTROL.total, p.total);
      Atomics.add(control, CONTROL.seq, 1);
    },
    shouldStop: () => Atomics.load(control, CONTROL.stop) === 1,
  });
  return {
    saved: model.save(),
    history,
    iterations: model.iterations ?? null,
    fitSeconds: (performance.now() - started) / 1000,
  };
}
