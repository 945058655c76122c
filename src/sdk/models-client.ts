import type { ImportResult, PackageInfo, PredictionResult } from '../models/index.js';
// The tar writer from its pure file (no Node-only modules): directories upload as one archive.
import { writeTar } from '../models/tar-writer.js';
import { splitRef } from './registry-client.js';
import { enc, type Query, type Transport } from './transport.js';

export type { ImportResult, PackageInfo, PredictionResult } from '../models/index.js';

/** How `importModel` sends a model and what it records. */
export interface ImportModelOptions {
  /** The file or directory name as the user has it (`model.onnx`, `model.json`, `my-model`). */
  filename: string;
  /** True when `body` is a tar of a model directory (an MLflow model, a Lathe package). */
  directory?: boolean;
  /** `auto` (default), `native`, `mlflow`, `onnx`, `xgboost`, `lightgbm`. */
  flavor?: string;
  /** A tracking run to link the version to. */
  run?: string;
  /** The experiment of the import's own run (default `Imported models`). */
  experiment?: string;
  description?: string;
  /** The task, when the format does not say (ONNX outputs). */
  task?: 'binary' | 'multiclass' | 'regression' | 'ranking';
  /** Class labels in probability order, when the format does not store them. */
  classes?: string[];
}

/** What a registered version answered, and which version it was. */
export type VersionPrediction = PredictionResult & { model: { name: string; version: number } };

/** Models from any framework: import, describe a version's package, predict with a version. */
export class ModelsClient {
  constructor(private readonly t: Transport) {}

  /**
   * Imports a model file, a directory's files (by relative path, sent as one tar archive) or a tar
   * of a model directory (`directory: true`) as a new version of `name`: the server detects the
   * flavor, loads the model and runs it on its input example before registering.
   */
  importModel(
    name: string,
    body: Blob | Uint8Array | ReadonlyMap<string, Uint8Array>,
    options: ImportModelOptions,
  ): Promise<ImportResult> {
    const { classes, directory: isTar, ...rest } = options;
    const isMap = body instanceof Map;
    const directory = isMap || isTar === true;
    const query: Query = { ...rest, ...(classes ? { classes: classes.join(',') } : {}) };
    return this.t.upload(
      `/api/v1/models/${enc(name)}/import`,
      isMap ? writeTar(body) : (body as Blob | Uint8Array),
      query,
      directory ? 'application/x-tar' : 'application/octet-stream',
    );
  }

  /** The package of a version (`NAME@3`, `NAME@champion`, `NAME@latest`): flavor, signature, example, files. */
  package(ref: string): Promise<PackageInfo> {
    const [name, version] = splitRef(ref);
    return this.t.request('GET', `/api/v1/models/${enc(name)}/versions/${enc(version)}/package`);
  }

  /** Predicts rows (objects keyed by input column) with a version; the signature is enforced. */
  predict(
    ref: string,
    rows: Record<string, unknown>[],
    options: { numericStrings?: boolean } = {},
  ): Promise<VersionPrediction> {
    const [name, version] = splitRef(ref);
    return this.t.request('POST', `/api/v1/models/${enc(name)}/versions/${enc(version)}/predict`, {
      rows,
      ...(options.numericStrings ? { numericStrings: true } : {}),
    });
  }
}
