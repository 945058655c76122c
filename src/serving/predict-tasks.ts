/**
 * Worker-thread tasks of batch scoring (run through src/ml's WorkerPool): each worker loads the
 * model package once (kept by key), predicts the chunks it is given and formats their CSV, so
 * chunks are scored on every core while the main thread reads and writes.
 */
import type { SavedModel } from '../ml/index.js';
import { type BatchPrediction, loadPackage, type ModelManifest, type Predictor } from '../models/index.js';

/** A package as posted to a worker: its arrays and files in shared memory. */
export interface SharedPackage {
  key: string;
  manifest: ModelManifest;
  arrays: SavedModel['arrays'];
  files: [string, Uint8Array][];
}

const loaded = new Map<string, Promise<Predictor>>();

type Label = string | number | boolean;

const csvValue = (v: Label | number): string =>
  typeof v === 'string'
    ? `"${v.replaceAll('"', '""')}"`
    : typeof v === 'number' && Number.isNaN(v)
      ? ''
      : String(v);

/** One chunk's predictions as CSV: `__row`, `prediction`, one probability column per class. */
export function chunkCsv(first: number, p: BatchPrediction): string {
  const k = p.classes?.length ?? 0;
  const lines: string[] = new Array(p.rows);
  for (let r = 0; r < p.rows; r++) {
    // A class picked from NaN probabilities means nothing: the prediction is null too.
    let nan = false;
    for (let c = 0; c < k; c++) if (Number.isNaN(p.probabilities![r * k + c]!)) nan = true;
    let line = `${first + r},${nan ? '' : csvValue(p.predictions[r]!)}`;
    for (let c = 0; c < k; c++) line += `,${csvValue(p.probabilities![r * k + c]!)}`;
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Predicts one chunk (columns by name, its first row at `first`) with the package `pkg` (loaded
 * once per worker) and answers its predictions as CSV lines (see {@link chunkCsv}).
 */
export async function scoreChunk(args: {
  pkg: SharedPackage;
  first: number;
  rows: number;
  columns: Record<string, ArrayLike<unknown>>;
  numericStrings: boolean;
  piiSalt?: string;
}): Promise<string> {
  const { pkg } = args;
  let predictor = loaded.get(pkg.key);
  if (!predictor) {
    for (const [key, p] of loaded) {
      loaded.delete(key);
      void p.then((m) => m.close?.()).catch(() => undefined);
    }
    const { manifest } = pkg;
    predictor = loadPackage(
      {
        manifest,
        saved: {
          kind: manifest.model.kind,
          version: manifest.model.version,
          meta: manifest.model.meta,
          arrays: pkg.arrays,
        },
        files: new Map(pkg.files),
      },
      { threads: 1, ...(args.piiSalt ? { piiSalt: args.piiSalt } : {}) },
    );
    loaded.set(pkg.key, predictor);
  }
  const p = await (await predictor).predictBatch(
    { rows: args.rows, columns: args.columns },
    args.numericStrings ? { numericStrings: true } : {},
  );
  return chunkCsv(args.first, p);
}
