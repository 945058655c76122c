/** Reading what a training run logged: its artifacts as bytes or JSON, and its model package. */
import { LatheError } from '../core/index.js';
import { applyFittedRecipe } from '../data/index.js';
import { NativePredictor, readModelPackage } from '../models/index.js';
import type { TrackingService } from '../tracking/index.js';

/** The bytes of one artifact of a run; NOT_FOUND names the run and the path. */
async function readRunArtifact(tracking: TrackingService, runId: string, path: string): Promise<Uint8Array> {
  try {
    const { stream } = await tracking.artifacts.openArtifact(runId, path);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  } catch (err) {
    if ((err as LatheError).code === 'NOT_FOUND')
      throw new LatheError('NOT_FOUND', `run ${runId} has no artifact ${path}`, { runId, path });
    throw err;
  }
}

/** A JSON artifact of a run. */
export async function readRunJson<T>(tracking: TrackingService, runId: string, path: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await readRunArtifact(tracking, runId, path))) as T;
}

/**
 * The model a run logged under `model/` (a Lathe model package), ready to predict.
 * @throws LatheError NOT_FOUND when the run has no model package.
 */
export async function loadRunModel(
  tracking: TrackingService,
  runId: string,
  options: { piiSalt?: string } = {},
): Promise<NativePredictor> {
  const { manifest, saved } = await readModelPackage((p) => readRunArtifact(tracking, runId, `model/${p}`));
  return new NativePredictor(manifest, saved, {
    ...options,
    ...(manifest.recipe ? { applyRecipe: applyFittedRecipe } : {}),
  });
}
