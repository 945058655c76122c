/**
 * Python pickles (pickle, joblib, cloudpickle, dill) are never loaded: unpickling runs whatever
 * code the file names. This module recognises them so import refuses with a reason and a way out.
 */
import { LatheError } from '../../core/index.js';
import type { ModelSource } from './flavor.js';

const pickleExtensions = /\.(pkl|pickle|joblib|sav|dill|cloudpickle|pck|pcl)$/i;

/** True when bytes start like a pickle (protocol 2–5 opcode) or a zlib-compressed joblib dump. */
function looksPickled(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

/** The first file of `source` that is a pickle, by name or by its first bytes. */
export function findPickle(source: ModelSource): string | undefined {
  for (const [path, bytes] of source.files)
    if (pickleExtensions.test(path) || looksPickled(bytes)) return path;
  return undefined;
}

/** The error for a pickled model: why it is refused and how to convert it. */
export function pickleRefusal(path: string, what = 'a Python pickle'): LatheError {
  return new LatheError(
    'MODEL_PACKAGE_INVALID',
    `refusing to load ${path}: it is ${what}, and unpickling runs arbitrary code from the file, so Lathe never does it. ` +
      'Convert the model to a format that holds only data: scikit-learn → ONNX with skl2onnx ' +
      '(`skl2onnx.to_onnx(model, X[:1])`), XGBoost → `booster.save_model("model.json")`, LightGBM → ' +
      '`booster.save_model("model.txt")`, PyTorch → `torch.onnx.export(...)`, Keras/TensorFlow → ONNX with tf2onnx; ' +
      'then import that file.',
    { file: path, format: 'pickle' },
  );
}
