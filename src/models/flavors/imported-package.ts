/**
 * The package an import stores, and reading it back: one place that turns what a flavor
 * inspected into a Lathe package (the import service, the conformance suite, tests and benches all
 * go through it, so they store exactly what import stores).
 */
import { LatheError } from '../../core/index.js';
import { type ReadPackage, readModelPackage, writeFlavorPackage } from '../package.js';
import type { InspectedModel, ModelFlavor, ModelSource } from './flavor.js';

/** What an imported package records besides what the flavor inspected. */
export interface ImportedPackageOptions {
  /** The tracking run the version links to, when given. */
  runId?: string | null;
}

/**
 * The files of an inspected model's package: a native package is kept as it is; other flavors keep
 * their files under `files/` with a manifest (flavor = the one that loads it, `inspected.loadAs`).
 */
export function importedPackage(
  flavor: ModelFlavor,
  source: ModelSource,
  inspected: InspectedModel,
  options: ImportedPackageOptions = {},
): ReadonlyMap<string, Uint8Array> {
  const stored = inspected.loadAs ?? flavor.name;
  if (flavor.name === 'native') return inspected.files;
  const { files } = writeFlavorPackage(
    { kind: stored, version: 1, meta: inspected.meta, files: inspected.files },
    {
      flavor: stored,
      createdAt: new Date().toISOString(),
      family: inspected.family,
      task: inspected.task,
      signature: inspected.signature,
      recipe: null,
      features: inspected.signature.inputs.map((c) => c.name),
      params: inspected.params,
      training: { dataset: null, rows: null, evaluation: `imported from ${source.name}` },
      metrics: {},
      runId: options.runId ?? null,
      ...(inspected.inputExample ? { inputExample: inspected.inputExample.slice(0, 20) } : {}),
      imported: { from: source.name, format: flavor.name },
    },
  );
  return files;
}

/** Reads a package held in memory (checking sizes and digests), as a stored one is read. */
export function readPackageFiles(files: ReadonlyMap<string, Uint8Array>): Promise<ReadPackage> {
  return readModelPackage(async (path) => {
    const bytes = files.get(path);
    if (!bytes)
      throw new LatheError('MODEL_PACKAGE_INVALID', `the package lacks ${path}, which its manifest lists`);
    return bytes;
  });
}
