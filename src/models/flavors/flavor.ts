/**
 * The model flavor contract: one per format a model can come in (Lathe's own package, ONNX,
 * XGBoost, LightGBM, MLflow model directories). A flavor recognises its files, reads and checks
 * them on import (answering what the package keeps), and loads a stored package into a
 * {@link Predictor}. Flavors are listed in one registry (`flavors.ts`); every flavor passes the
 * shared conformance suite (`flavor.conformance.ts`).
 */
import type { ModelTask, ReadPackage } from '../package.js';
import type { Predictor } from '../predictor.js';
import type { ModelSignature } from '../signature.js';

/**
 * A model as given to import: one file, or a directory's files by relative `/`-separated path.
 * A single file is one entry keyed by its own name.
 */
export interface ModelSource {
  /** The file or directory name as given (for messages and the manifest). */
  name: string;
  files: ReadonlyMap<string, Uint8Array>;
}

/** What the importer knows besides the files. */
export interface InspectOptions {
  /** A signature given by the user (or read from an MLflow `MLmodel`), preferred to inference. */
  signature?: ModelSignature;
  /** The task when the format does not say (ONNX outputs): overrides inference. */
  task?: ModelTask;
  /** Class labels in probability order, when the format does not store them. */
  classes?: (string | number | boolean)[];
}

/** What a flavor read from a model's files: everything the package keeps. */
export interface InspectedModel {
  task: ModelTask;
  /** Inputs (names and types in the order the model reads them) and outputs. */
  signature: ModelSignature;
  /** What kind of model it is, for people: `xgboost gbtree binary:logistic`, `onnx mlp`… */
  family: string;
  /** The files to keep, by path (usually the model file as given). */
  files: Map<string, Uint8Array>;
  /** Flavor settings stored in the manifest's `model.meta` and handed back to `load`. */
  meta: Record<string, unknown>;
  /** The model's own hyperparameters, when the format stores them. */
  params: Record<string, unknown>;
  /** Example input rows read from the source, when it has them. */
  inputExample?: Record<string, unknown>[];
  /**
   * The flavor that loads the stored package, when not the one that inspected it (an MLflow
   * directory is stored as its onnx, xgboost or lightgbm model).
   */
  loadAs?: string;
}

/** Options of a loaded model. */
export interface LoadOptions {
  /** Threads one prediction call may use (ONNX intra-op threads); default 1. */
  threads?: number;
  /** The server's PII salt, for native recipes that hash PII columns. */
  piiSalt?: string;
}

/** One model format. */
export interface ModelFlavor {
  /** The flavor's name as stored in manifests and given to `--flavor`. */
  readonly name: string;
  /** One line for `lathe models import --help`. */
  readonly summary: string;
  /** True when `source` is in this format (file names and magic bytes; cheap, never throws). */
  detect(source: ModelSource): boolean;
  /**
   * Reads and checks a model in this format.
   * @throws LatheError MODEL_PACKAGE_INVALID for corrupt, truncated or unsupported files, saying
   *   what was expected and what was found.
   */
  inspect(source: ModelSource, options?: InspectOptions): Promise<InspectedModel>;
  /**
   * Loads a stored package of this flavor: `pkg.files` are the kept files by path (sizes and
   * digests already checked), `pkg.manifest.model.meta` is what `inspect` answered, and the
   * predictor's signature is `pkg.manifest.signature`.
   * @throws LatheError MODEL_PACKAGE_INVALID when the files cannot be loaded.
   */
  load(pkg: ReadPackage, options?: LoadOptions): Promise<Predictor>;
}
