/**
 * The flavor registry: every model format Lathe reads, by name. Detection refuses pickles first,
 * then asks each flavor in order; loading a stored package picks the flavor its manifest names.
 */
import { LatheError } from '../../core/index.js';
import { type ReadPackage, readModelPackage } from '../package.js';
import type { Predictor } from '../predictor.js';
import type { LoadOptions, ModelFlavor, ModelSource } from './flavor.js';
import { mlflowFlavor } from './mlflow/index.js';
import { nativeFlavor } from './native/index.js';
import { onnxFlavor } from './onnx/index.js';
import { lightgbmFlavor } from './lightgbm/index.js';
import { findPickle, pickleRefusal } from './pickle.js';
import { xgboostFlavor } from './xgboost/index.js';

/** The flavors that store and load models, most specific first. */
const storing: readonly ModelFlavor[] = [nativeFlavor, onnxFlavor, xgboostFlavor, lightgbmFlavor];

/** Every flavor, in detection order (MLflow directories before the model files they hold). */
export const modelFlavors: readonly ModelFlavor[] = [
  storing[0]!,
  mlflowFlavor(storing.slice(1)),
  ...storing.slice(1),
];

/**
 * The flavor of a name.
 * @throws LatheError INVALID_ARGUMENT naming the valid flavors.
 */
export function modelFlavor(name: string): ModelFlavor {
  const flavor = modelFlavors.find((f) => f.name === name);
  if (!flavor)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `unknown model flavor ${JSON.stringify(name)}; valid flavors: ${modelFlavors.map((f) => f.name).join(', ')}`,
      { field: 'flavor' },
    );
  return flavor;
}

/**
 * The flavor of a model's files.
 * @throws LatheError MODEL_PACKAGE_INVALID for pickles (with how to convert them) and for files no
 *   flavor recognises (listing what Lathe reads).
 */
export function detectFlavor(source: ModelSource): ModelFlavor {
  const flavor = modelFlavors.find((f) => f.detect(source));
  if (flavor) return flavor;
  const pickle = findPickle(source);
  if (pickle) throw pickleRefusal(`${source.name === pickle ? '' : `${source.name}/`}${pickle}`);
  throw new LatheError(
    'MODEL_PACKAGE_INVALID',
    `${source.name} is not a model format Lathe reads (${[...source.files.keys()].slice(0, 5).join(', ')}); it reads ${modelFlavors.map((f) => `${f.name} (${f.summary})`).join('; ')}`,
  );
}

/** Loads a read package through the flavor its manifest names. */
export function loadPackage(pkg: ReadPackage, options: LoadOptions = {}): Promise<Predictor> {
  return modelFlavor(pkg.manifest.flavor).load(pkg, options);
}

/**
 * Reads and loads a stored package through `read(path)`.
 * @throws LatheError MODEL_PACKAGE_INVALID for a package that does not match its manifest.
 */
export async function loadModelPackage(
  read: (path: string) => Promise<Uint8Array>,
  options: LoadOptions = {},
): Promise<Predictor> {
  return loadPackage(await readModelPackage(read), options);
}
