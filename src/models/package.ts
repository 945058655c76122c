/**
 * Lathe's native model package: a manifest (`lathe-model.json`) plus one little-endian binary file
 * per typed array of the fitted model (`arrays/<name>.bin`). The format is described for users in
 * docs/model-package.md; this file is its one reader and writer.
 */
import { describeValue, LatheError, sha256Hex } from '../core/index.js';
import type { FittedRecipe } from '../data/index.js';
import type { SavedModel } from '../ml/index.js';
import type { ModelSignature } from './signature.js';

/** The manifest's file name inside a package. */
export const manifestFile = 'lathe-model.json';
/** The format tag of the manifest. */
export const packageFormat = 'lathe-model';
/** The manifest format version this build writes and reads. */
export const packageFormatVersion = 1;

const dtypes = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
} as const;
/** Element types of array files. */
export type ArrayDtype = keyof typeof dtypes;
type AnyArray = SavedModel['arrays'][string];

/** One array file of a package. */
export interface ArrayEntry {
  /** Path inside the package, `arrays/<name>.bin`. */
  file: string;
  dtype: ArrayDtype;
  /** Number of elements. */
  length: number;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
}

/** What a model answers: a class (binary, multiclass), a value (regression) or a score to rank by. */
export type ModelTask = 'binary' | 'multiclass' | 'regression' | 'ranking';

/** One file of an imported model kept as it was given (`files/<path>`). */
export interface FileEntry {
  /** Path inside the package, `files/<path>`. */
  file: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
}

/** `lathe-model.json`: everything about a model except its arrays. */
export interface ModelManifest {
  format: typeof packageFormat;
  formatVersion: typeof packageFormatVersion;
  /** `native` for models trained by Lathe; imported flavors (onnx, xgboost…) name theirs. */
  flavor: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The model family (`gbdt`, `rf`, `logistic`…) and its task. */
  family: string;
  task: ModelTask;
  /** Input and output schema: what callers send and receive. */
  signature: ModelSignature;
  /**
   * The fitted preprocessing recipe from raw input columns to the model's features (null when the
   * inputs are the features). Applied row by row with `applyFittedRecipe`.
   */
  recipe: FittedRecipe | null;
  /** The model's feature columns, in matrix order (the recipe's output columns it reads). */
  features: string[];
  /** The hyperparameters it was fitted with. */
  params: Record<string, unknown>;
  /** Where it was trained from. */
  training: {
    /** The dataset version (`name@3`), when trained from one. */
    dataset: string | null;
    /** Training rows; null when unknown (imported models). */
    rows: number | null;
    /** How rows were held out for the reported metrics, e.g. `holdout 0.2 stratified seed 0`. */
    evaluation: string;
  };
  /** Test-set metrics by name (`roc_auc`, `rmse`…). */
  metrics: Record<string, number>;
  /** The tracking run that produced it, when there is one. */
  runId: string | null;
  /** A few input rows the model was checked on (read from the imported model, or training rows). */
  inputExample?: Record<string, unknown>[];
  /** For imported models: the file or directory name given and the format it was read as. */
  imported?: { from: string; format: string };
  /**
   * The estimator's saved form: its kind, format version and metadata, with its typed arrays
   * (native models) or the files it was imported from (other flavors).
   */
  model: {
    kind: string;
    version: number;
    meta: Record<string, unknown>;
    arrays: Record<string, ArrayEntry>;
    files?: Record<string, FileEntry>;
  };
}

/** A package in memory: the manifest and the files by path (the manifest included). */
export interface ModelPackageFiles {
  manifest: ModelManifest;
  files: Map<string, Uint8Array>;
}

function dtypeOf(a: AnyArray): ArrayDtype {
  for (const [name, ctor] of Object.entries(dtypes)) if (a instanceof ctor) return name as ArrayDtype;
  throw new LatheError('INVALID_ARGUMENT', `cannot store an array of type ${describeValue(a)}`);
}

function invalid(message: string): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', message);
}

/** Array names become file names: letters, digits, `_`, `-` and `.` only. */
const arrayNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Writes a package: the estimator's arrays as binary files and the manifest (`rest` plus the
 * array entries) as JSON. Answers the files by path.
 */
export function writeModelPackage(
  saved: SavedModel,
  rest: Omit<ModelManifest, 'format' | 'formatVersion' | 'model'>,
): ModelPackageFiles {
  const files = new Map<string, Uint8Array>();
  const arrays: Record<string, ArrayEntry> = {};
  for (const [name, a] of Object.entries(saved.arrays)) {
    if (!arrayNamePattern.test(name))
      throw new LatheError('INVALID_ARGUMENT', `bad array name ${JSON.stringify(name)}`);
    // Typed arrays are little-endian on every platform Node runs on.
    const bytes = new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
    const file = `arrays/${name}.bin`;
    files.set(file, bytes);
    arrays[name] = { file, dtype: dtypeOf(a), length: a.length, sha256: sha256Hex(bytes) };
  }
  const manifest: ModelManifest = {
    format: packageFormat,
    formatVersion: packageFormatVersion,
    ...rest,
    model: { kind: saved.kind, version: saved.version, meta: saved.meta, arrays },
  };
  files.set(manifestFile, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  return { manifest, files };
}

/**
 * Parses and checks a manifest (format, version, required fields).
 * @throws LatheError MODEL_PACKAGE_INVALID saying what is wrong.
 */
export function parseManifest(bytes: Uint8Array): ModelManifest {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`${manifestFile} is not valid JSON: ${(err as Error).message}`);
  }
  const o = m as Partial<ModelManifest> | null;
  if (typeof o !== 'object' || o === null) throw invalid(`${manifestFile} must hold an object`);
  if (o.format !== packageFormat)
    throw invalid(
      `${manifestFile}: format must be ${JSON.stringify(packageFormat)}; got ${describeValue(o.format)}`,
    );
  if (o.formatVersion !== packageFormatVersion)
    throw invalid(
      `${manifestFile}: formatVersion ${describeValue(o.formatVersion)} is not readable by this build (it reads ${packageFormatVersion})`,
    );
  for (const key of ['flavor', 'family', 'task'] as const)
    if (typeof o[key] !== 'string')
      throw invalid(`${manifestFile}: ${key} must be a string; got ${describeValue(o[key])}`);
  if (!o.signature || !Array.isArray(o.signature.inputs) || !Array.isArray(o.signature.outputs))
    throw invalid(`${manifestFile}: signature needs inputs and outputs arrays`);
  if (!Array.isArray(o.features)) throw invalid(`${manifestFile}: features must be an array of column names`);
  const model = o.model;
  if (!model || typeof model.kind !== 'string' || typeof model.arrays !== 'object' || model.arrays === null)
    throw invalid(`${manifestFile}: model needs a kind and arrays`);
  for (const [name, e] of Object.entries(model.arrays)) {
    if (!arrayNamePattern.test(name) || e?.file !== `arrays/${name}.bin` || !(e.dtype in dtypes))
      throw invalid(`${manifestFile}: array ${JSON.stringify(name)} has a bad file or dtype`);
    if (!Number.isSafeInteger(e.length) || e.length < 0)
      throw invalid(`${manifestFile}: array ${name} has a bad length`);
  }
  if (model.files !== undefined && (typeof model.files !== 'object' || model.files === null))
    throw invalid(`${manifestFile}: model.files must be an object of file entries`);
  for (const [path, e] of Object.entries(model.files ?? {})) {
    if (!isSafePackagePath(path) || e?.file !== `files/${path}` || typeof e.sha256 !== 'string')
      throw invalid(`${manifestFile}: file ${JSON.stringify(path)} has a bad entry`);
    if (!Number.isSafeInteger(e.size) || e.size < 0)
      throw invalid(`${manifestFile}: file ${path} has a bad size`);
  }
  return o as ModelManifest;
}

/** File paths inside `files/`: relative, `/`-separated, no `.`/`..` segments, printable. */
const filePathPattern = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_.@+=-][A-Za-z0-9_.@+= /-]{0,300}$/;

/** Whether `path` may name a file kept in a package (relative, no `..`, no backslashes). */
export function isSafePackagePath(path: string): boolean {
  return filePathPattern.test(path) && !path.includes('//') && !path.endsWith('/');
}

/**
 * Writes the package of an imported model: its files kept as given under `files/`, and the
 * manifest. Answers the files by path.
 * @throws LatheError INVALID_ARGUMENT for a file path that is absolute or climbs out (`..`).
 */
export function writeFlavorPackage(
  model: {
    kind: string;
    version: number;
    meta: Record<string, unknown>;
    files: ReadonlyMap<string, Uint8Array>;
  },
  rest: Omit<ModelManifest, 'format' | 'formatVersion' | 'model'>,
): ModelPackageFiles {
  const files = new Map<string, Uint8Array>();
  const entries: Record<string, FileEntry> = {};
  for (const [path, bytes] of model.files) {
    if (!isSafePackagePath(path))
      throw new LatheError('INVALID_ARGUMENT', `bad file path ${JSON.stringify(path)}`);
    const file = `files/${path}`;
    files.set(file, bytes);
    entries[path] = { file, size: bytes.byteLength, sha256: sha256Hex(bytes) };
  }
  const manifest: ModelManifest = {
    format: packageFormat,
    formatVersion: packageFormatVersion,
    ...rest,
    model: { kind: model.kind, version: model.version, meta: model.meta, arrays: {}, files: entries },
  };
  files.set(manifestFile, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  return { manifest, files };
}

/** A package read back: the manifest, the estimator's arrays, and the imported files by path. */
export interface ReadPackage {
  manifest: ModelManifest;
  saved: SavedModel;
  /** Imported files by their path inside `files/` (empty for native models). */
  files: Map<string, Uint8Array>;
}

/**
 * Reads a package through `read(path)` (manifest first, then each array and file, checking size
 * and digest) and answers the manifest, the estimator's SavedModel and the imported files.
 * @throws LatheError MODEL_PACKAGE_INVALID for a bad manifest or a file that does not match it.
 */
export async function readModelPackage(read: (path: string) => Promise<Uint8Array>): Promise<ReadPackage> {
  const manifest = parseManifest(await read(manifestFile));
  const arrays: SavedModel['arrays'] = {};
  for (const [name, e] of Object.entries(manifest.model.arrays)) {
    const bytes = await read(e.file);
    const ctor = dtypes[e.dtype];
    if (bytes.byteLength !== e.length * ctor.BYTES_PER_ELEMENT)
      throw invalid(`${e.file} holds ${bytes.byteLength} bytes; the manifest says ${e.length} × ${e.dtype}`);
    if (sha256Hex(bytes) !== e.sha256) throw invalid(`${e.file} does not match its sha256 in the manifest`);
    // Copy to an aligned buffer of its own.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    arrays[name] = new ctor(copy.buffer);
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, e] of Object.entries(manifest.model.files ?? {})) {
    const bytes = await read(e.file);
    if (bytes.byteLength !== e.size)
      throw invalid(`${e.file} holds ${bytes.byteLength} bytes; the manifest says ${e.size}`);
    if (sha256Hex(bytes) !== e.sha256) throw invalid(`${e.file} does not match its sha256 in the manifest`);
    files.set(path, bytes);
  }
  return {
    manifest,
    saved: { kind: manifest.model.kind, version: manifest.model.version, meta: manifest.model.meta, arrays },
    files,
  };
}
