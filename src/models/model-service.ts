/**
 * Models as a service: imports models from any flavor into the registry (stored as a package on a
 * tracking run), and loads registered versions back as predictors, cached. HTTP-free; `api/`
 * wraps it. Only `runs:/<run>/<path>` sources are loadable: that is where Lathe keeps packages.
 */
import type { Principal } from '../auth/index.js';
import { LatheError } from '../core/index.js';
import type { ModelVersion, RegistryService } from '../registry/index.js';
import type { TrackingService } from '../tracking/index.js';
import type { InspectOptions, LoadOptions, ModelSource } from './flavors/flavor.js';
import { detectFlavor, loadPackage, modelFlavor } from './flavors/flavors.js';
import { importedPackage, readPackageFiles } from './flavors/imported-package.js';
import { type ModelManifest, type ReadPackage, readModelPackage } from './package.js';
import type { PredictionResult, Predictor } from './predictor.js';
import type { ModelSignature } from './signature.js';

/** What `importModel` needs besides the files. */
export interface ImportInput extends InspectOptions {
  /** The registered model to add a version to (created when absent). */
  name: string;
  /** A flavor name, or `auto` (default) to detect it from the files. */
  flavor?: string;
  /** An existing tracking run to link the version to (the package is stored on it). */
  runId?: string;
  /** The experiment of the import's own run when no run is given (default `Imported models`). */
  experiment?: string;
  description?: string;
}

/** What an import produced. */
export interface ImportResult {
  version: ModelVersion;
  runId: string;
  flavor: string;
  family: string;
  task: string;
  signature: ModelSignature;
  /** The model's answers on its input example (or on one row built from its signature). */
  example: { rows: Record<string, unknown>[]; result: PredictionResult; synthetic: boolean };
  warnings: string[];
}

/** A registered version's package, for people: the manifest without weights, and sizes. */
export interface PackageInfo {
  version: ModelVersion;
  manifest: Omit<ModelManifest, 'model'> & {
    model: { kind: string; version: number; meta: Record<string, unknown> };
  };
  /** Files of the package by path, with sizes in bytes. */
  files: { path: string; size: number }[];
  /** Total bytes of the package. */
  size: number;
}

/** The artifact path of a package on a run an import creates, and on a run the user names. */
const ownRunPath = 'model';
const linkedRunPath = 'lathe-model';

/**
 * Rows to try a model on: its input example (at most `max` rows), or one row built from its
 * signature (zeros, empty strings, false, the epoch) when it has none.
 */
export function trialRows(
  signature: ModelSignature,
  example: readonly Record<string, unknown>[] | undefined,
  max = 20,
): { rows: Record<string, unknown>[]; synthetic: boolean } {
  return example?.length
    ? { rows: example.slice(0, max), synthetic: false }
    : { rows: [syntheticRow(signature)], synthetic: true };
}

/** A row built from a signature, for models without an input example: zeros and empty strings. */
function syntheticRow(signature: ModelSignature): Record<string, unknown> {
  return Object.fromEntries(
    signature.inputs.map((c) => [
      c.name,
      c.type === 'string' || c.type === 'binary'
        ? ''
        : c.type === 'boolean'
          ? false
          : c.type === 'datetime'
            ? new Date(0).toISOString()
            : 0,
    ]),
  );
}

/** `runs:/<run>/<path>` → run and path; anything else is not loadable. */
function runSource(source: string): { runId: string; path: string } {
  const m = /^runs:\/([^/]+)\/(.+?)\/?$/.exec(source);
  if (!m)
    throw new LatheError(
      'MODEL_PACKAGE_INVALID',
      `cannot load a model from ${JSON.stringify(source)}: Lathe loads versions whose source is runs:/<run>/<path> holding a model package (import the model with \`lathe models import\`)`,
      { source },
    );
  return { runId: m[1]!, path: m[2]! };
}

/** Imports, describes and loads registered models. */
export class ModelService {
  readonly #cache = new Map<string, Promise<Predictor>>();

  constructor(
    private readonly deps: { tracking: TrackingService; registry: RegistryService },
    private readonly options: {
      /** Threads one prediction call may use (ONNX intra-op threads). */
      threads?: number;
      /** Predictors kept loaded (default 16). */
      cacheSize?: number;
      /** The server's PII salt, read when a model first needs it. */
      piiSalt?: () => Promise<string>;
    } = {},
  ) {}

  /** Load options for `pkg`: the PII salt is read (and created) only for a recipe that needs one. */
  async #loadOptions(pkg: ReadPackage): Promise<LoadOptions> {
    const salt = pkg.manifest.recipe ? await this.piiSalt() : undefined;
    return {
      ...(this.options.threads ? { threads: this.options.threads } : {}),
      ...(salt ? { piiSalt: salt } : {}),
    };
  }

  /**
   * Imports a model: detects (or takes) its flavor, reads and checks it, loads it and runs it on
   * its input example, stores the package on a tracking run, then registers a version with the
   * run as its lineage. Nothing is registered unless every step succeeded.
   * @throws LatheError MODEL_PACKAGE_INVALID for files that cannot be read or loaded, or an input
   *   example that disagrees with the signature; INVALID_ARGUMENT for an unknown flavor.
   */
  async importModel(source: ModelSource, input: ImportInput, actor: Principal | null): Promise<ImportResult> {
    const { tracking, registry } = this.deps;
    const flavor =
      !input.flavor || input.flavor === 'auto' ? detectFlavor(source) : modelFlavor(input.flavor);
    const inspected = await flavor.inspect(source, input);
    const stored = inspected.loadAs ?? flavor.name;
    if (input.runId) await tracking.runs.get(input.runId);
    const files = importedPackage(flavor, source, inspected, { runId: input.runId ?? null });
    const pkg = await readPackageFiles(files);
    const predictor = await loadPackage(pkg, await this.#loadOptions(pkg));
    const { rows, synthetic } = trialRows(inspected.signature, inspected.inputExample);
    let result: PredictionResult;
    try {
      result = await predictor.predict(rows);
    } catch (err) {
      if (!(err instanceof LatheError) || err.code !== 'MODEL_INPUT_INVALID') throw err;
      throw new LatheError(
        'MODEL_PACKAGE_INVALID',
        synthetic
          ? `the model fails on a row built from its signature: ${err.message}`
          : `the model's input example disagrees with its signature: ${err.message}`,
        { example: true },
      );
    } finally {
      await predictor.close?.();
    }

    const runId = input.runId ?? (await this.#importRun(input, stored, inspected.family, source.name, actor));
    const path = input.runId ? linkedRunPath : ownRunPath;
    try {
      for (const [p, bytes] of files) await tracking.artifacts.logArtifact(runId, `${path}/${p}`, bytes);
    } catch (err) {
      if (!input.runId) await tracking.runs.update(runId, { status: 'FAILED', endTime: Date.now() });
      throw err;
    }
    if (!input.runId) await tracking.runs.update(runId, { status: 'FINISHED', endTime: Date.now() });
    await this.#ensureModel(input.name, source.name, actor);
    const version = await registry.versions.create(
      {
        name: input.name,
        source: `runs:/${runId}/${path}`,
        runId,
        ...(input.description ? { description: input.description } : {}),
        tags: [
          { key: 'lathe.flavor', value: stored },
          { key: 'lathe.imported_from', value: source.name.slice(0, 250) },
        ],
      },
      actor,
    );
    return {
      version,
      runId,
      flavor: stored,
      family: inspected.family,
      task: inspected.task,
      signature: inspected.signature,
      example: { rows, result, synthetic },
      warnings: result.warnings ?? [],
    };
  }

  async #importRun(
    input: ImportInput,
    flavor: string,
    family: string,
    from: string,
    actor: Principal | null,
  ) {
    const { tracking } = this.deps;
    const experiment = input.experiment ?? 'Imported models';
    let experimentId: string;
    try {
      experimentId = (await tracking.experiments.getByName(experiment)).experimentId;
    } catch (err) {
      if ((err as LatheError).code !== 'NOT_FOUND') throw err;
      experimentId = await tracking.experiments.create({ name: experiment }, actor);
    }
    const run = await tracking.runs.create(
      {
        experimentId,
        runName: `import ${input.name}`,
        tags: [
          { key: 'lathe.import.flavor', value: flavor },
          { key: 'lathe.model.family', value: family.slice(0, 250) },
          { key: 'lathe.import.from', value: from.slice(0, 250) },
        ],
      },
      actor,
    );
    return run.info.runId;
  }

  async #ensureModel(name: string, from: string, actor: Principal | null): Promise<void> {
    const { registry } = this.deps;
    try {
      await registry.models.get(name);
    } catch (err) {
      if ((err as LatheError).code !== 'NOT_FOUND') throw err;
      await registry.models.create({ name, description: `Imported from ${from}` }, actor);
    }
  }

  /** The package of a registered version (`NAME@3`, `NAME@champion`…), read and checked. */
  async readPackage(ref: string): Promise<{ version: ModelVersion; pkg: ReadPackage }> {
    const version = await this.deps.registry.resolveModelRef(ref);
    return { version, pkg: await this.#read(version) };
  }

  /** The PII salt predictors of recipes that hash PII columns need (undefined when none is set up). */
  async piiSalt(): Promise<string | undefined> {
    return this.options.piiSalt ? this.options.piiSalt() : undefined;
  }

  /** The package of a version's source, read and checked. */
  async #read(version: ModelVersion): Promise<ReadPackage> {
    const { runId, path } = runSource(version.source);
    return readModelPackage((p) => this.#artifact(runId, `${path}/${p}`));
  }

  async #artifact(runId: string, path: string): Promise<Uint8Array> {
    try {
      const { stream } = await this.deps.tracking.artifacts.openArtifact(runId, path);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    } catch (err) {
      if ((err as LatheError).code === 'NOT_FOUND')
        throw new LatheError('MODEL_PACKAGE_INVALID', `run ${runId} has no model package file ${path}`, {
          runId,
          path,
        });
      throw err;
    }
  }

  /** A version's package described: manifest (no weights), files and sizes. */
  async describe(ref: string): Promise<PackageInfo> {
    const version = await this.deps.registry.resolveModelRef(ref);
    const { runId, path } = runSource(version.source);
    const pkg = await this.#read(version);
    const { model, ...rest } = pkg.manifest;
    const listing = await this.deps.tracking.artifacts.listArtifacts(runId, path);
    const files = await this.#listAll(runId, path, listing.files);
    return {
      version,
      manifest: { ...rest, model: { kind: model.kind, version: model.version, meta: model.meta } },
      files,
      size: files.reduce((s, f) => s + f.size, 0),
    };
  }

  async #listAll(
    runId: string,
    base: string,
    entries: { path: string; isDir: boolean; fileSize?: number | null }[],
  ): Promise<{ path: string; size: number }[]> {
    const out: { path: string; size: number }[] = [];
    for (const e of entries) {
      if (e.isDir) {
        const sub = await this.deps.tracking.artifacts.listArtifacts(runId, e.path);
        out.push(...(await this.#listAll(runId, base, sub.files)));
      } else out.push({ path: e.path.slice(base.length + 1), size: Number(e.fileSize ?? 0) });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * The predictor of a registered version (`NAME@3`, `NAME@champion`, `NAME@latest`), loaded once
   * and kept in a small cache keyed by name and version.
   */
  async load(ref: string): Promise<{ version: ModelVersion; predictor: Predictor }> {
    const version = await this.deps.registry.resolveModelRef(ref);
    const key = `${version.name}@${version.version}`;
    let loading = this.#cache.get(key);
    if (!loading) {
      loading = this.#read(version).then(async (pkg) => loadPackage(pkg, await this.#loadOptions(pkg)));
      this.#cache.set(key, loading);
      loading.catch(() => this.#cache.delete(key));
      const max = this.options.cacheSize ?? 16;
      if (this.#cache.size > max) {
        const [oldest, evicted] = this.#cache.entries().next().value as [string, Promise<Predictor>];
        this.#cache.delete(oldest);
        void evicted.then((p) => p.close?.()).catch(() => {});
      }
    }
    return { version, predictor: await loading };
  }

  /**
   * A fresh predictor of a registered version, outside the cache: the caller owns it and closes it
   * (serving keeps the predictors it routes to, so cache evictions never close one under traffic).
   */
  async open(ref: string | ModelVersion): Promise<{ version: ModelVersion; predictor: Predictor }> {
    const version = typeof ref === 'string' ? await this.deps.registry.resolveModelRef(ref) : ref;
    const pkg = await this.#read(version);
    return { version, predictor: await loadPackage(pkg, await this.#loadOptions(pkg)) };
  }

  /** Predicts rows (objects keyed by input column) with a registered version. */
  async predict(
    ref: string,
    rows: readonly Record<string, unknown>[],
    options: { numericStrings?: boolean } = {},
  ): Promise<PredictionResult & { model: { name: string; version: number } }> {
    const { version, predictor } = await this.load(ref);
    const result = await predictor.predict(rows, options);
    return { ...result, model: { name: version.name, version: version.version } };
  }

  /** Closes every cached predictor. */
  async close(): Promise<void> {
    const all = [...this.#cache.values()];
    this.#cache.clear();
    for (const p of all) await p.then((m) => m.close?.()).catch(() => {});
  }
}
