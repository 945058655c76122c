/**
 * MLflow model directories: an `MLmodel` file naming the model's flavors, the model file, and
 * often a signature and an input example. Lathe reads the `onnx`, `xgboost` or `lightgbm` flavor
 * through its own flavor of that name and stores the model as that flavor; pickled flavors
 * (`sklearn`, `python_function` with a pickle) are refused.
 */
import { LatheError } from '../../../core/index.js';
import type { InspectedModel, ModelFlavor, ModelSource } from '../flavor.js';
import { pickleRefusal } from '../pickle.js';
import { exampleRows, mlmodelSignature, parseMlModel } from './mlmodel.js';

/** The MLflow flavors Lathe reads, in the order it prefers them. */
const readable = ['onnx', 'xgboost', 'lightgbm'] as const;

/** The directory prefix (`''` or `name/`) holding the MLmodel file, if any. */
function rootOf(source: ModelSource): string | undefined {
  if (source.files.has('MLmodel')) return '';
  const nested = [...source.files.keys()].filter((p) => /^[^/]+\/MLmodel$/.test(p));
  return nested.length === 1 ? nested[0]!.slice(0, -'MLmodel'.length) : undefined;
}

/** The file name the xgboost flavor reads `model.xgb` as, sniffed from its first bytes. */
function xgboostName(bytes: Uint8Array, format: unknown, data: string): string {
  if (format === 'json' || data.endsWith('.json')) return 'model.json';
  if (format === 'ubj' || data.endsWith('.ubj')) return 'model.ubj';
  // `model.xgb`: JSON starts `{"` (or whitespace), UBJSON `{` then a type marker.
  if (bytes[0] === 0x7b) return /[\s"]/.test(String.fromCharCode(bytes[1] ?? 0)) ? 'model.json' : 'model.ubj';
  throw new LatheError(
    'MODEL_PACKAGE_INVALID',
    `${data} is in XGBoost's legacy binary format, which Lathe does not read; re-save it with ` +
      '`mlflow.xgboost.save_model(model, path, model_format="json")` or `booster.save_model("model.json")`',
  );
}

/** The MLflow directory flavor over the flavors that load its models. */
export function mlflowFlavor(inner: readonly ModelFlavor[]): ModelFlavor {
  const byName = new Map(inner.map((f) => [f.name, f]));
  return {
    name: 'mlflow',
    summary: 'an MLflow model directory (MLmodel + its onnx, xgboost or lightgbm model file)',
    detect: (source) => rootOf(source) !== undefined,
    async inspect(source, options = {}): Promise<InspectedModel> {
      const root = rootOf(source);
      if (root === undefined)
        throw new LatheError('MODEL_PACKAGE_INVALID', `${source.name} has no MLmodel file at its top level`);
      const mlmodel = parseMlModel(source.files.get(`${root}MLmodel`)!);
      const found = Object.keys(mlmodel.flavors);
      const name = readable.find((f) => f in mlmodel.flavors && byName.has(f));
      if (!name) {
        const sk = mlmodel.flavors['sklearn'] ?? mlmodel.flavors['python_function'];
        const pickled = sk?.['pickled_model'] ?? sk?.['data'];
        if (typeof pickled === 'string' && /\.(pkl|pickle|joblib)$/i.test(pickled))
          throw pickleRefusal(
            `${source.name}/${pickled}`,
            `an MLflow model stored as a pickle (flavors ${found.join(', ')})`,
          );
        throw new LatheError(
          'MODEL_PACKAGE_INVALID',
          `${source.name}/MLmodel has the flavors ${found.join(', ') || '(none)'}; Lathe reads MLflow models with the flavors ${readable.join(', ')}`,
          { flavors: found },
        );
      }
      const conf = mlmodel.flavors[name]!;
      const data = conf['data'] ?? conf['model_file'];
      if (typeof data !== 'string')
        throw new LatheError(
          'MODEL_PACKAGE_INVALID',
          `${source.name}/MLmodel: flavor ${name} names no data file`,
        );
      const bytes = source.files.get(`${root}${data}`);
      if (!bytes)
        throw new LatheError(
          'MODEL_PACKAGE_INVALID',
          `${source.name}/MLmodel names ${data} for flavor ${name}, but the directory has no such file`,
        );
      const fileName =
        name === 'xgboost'
          ? xgboostName(bytes, conf['model_format'], data)
          : name === 'onnx'
            ? 'model.onnx'
            : 'model.txt';
      const signature = options.signature ?? mlmodelSignature(mlmodel);
      const inspected = await byName
        .get(name)!
        .inspect(
          { name: data, files: new Map([[fileName, bytes]]) },
          { ...options, ...(signature ? { signature } : {}) },
        );
      let inputExample = inspected.inputExample;
      if (mlmodel.example) {
        const ex = source.files.get(`${root}${mlmodel.example.path}`);
        if (!ex)
          throw new LatheError(
            'MODEL_PACKAGE_INVALID',
            `${source.name}/MLmodel names the input example ${mlmodel.example.path}, but the directory has no such file`,
          );
        inputExample = exampleRows(
          ex,
          inspected.signature.inputs.map((c) => c.name),
        );
      }
      return {
        ...inspected,
        loadAs: name,
        meta: {
          ...inspected.meta,
          mlflow: {
            flavor: name,
            ...(mlmodel.runId ? { runId: mlmodel.runId } : {}),
            ...(mlmodel.artifactPath ? { artifactPath: mlmodel.artifactPath } : {}),
          },
        },
        ...(inputExample ? { inputExample } : {}),
      };
    },
    async load(pkg, options) {
      const inner = byName.get(pkg.manifest.flavor);
      if (!inner)
        throw new LatheError(
          'MODEL_PACKAGE_INVALID',
          `no flavor ${pkg.manifest.flavor} to load this MLflow model with`,
        );
      return inner.load(pkg, options);
    },
  };
}
