/**
 * Worker-thread tasks of batch scoring (run through src/ml's WorkerPool): each worker loads the
 * model package once (kept by key) and predicts the chunks it is given, so chunks are scored on
 * every core while the main thread reads and writes.
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

/** Predicts one chunk (columns by name) with the package `pkg` (loaded once per worker). */
export async function predictChunk(args: {
  pkg: SharedPackage;
  rows: number;
  columns: Record<string, ArrayLike<unknown>>;
  numericStrings: boolean;
  piiSalt?: string;
}): Promise<BatchPrediction> {
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
  return (await predictor).predictBatch(
    { rows: args.rows, columns: args.columns },
    args.numericStrings ? { numericStrings: true } : {},
  );
}
