/**
 * The onnx flavor: models exported to ONNX (PyTorch, TensorFlow/Keras through tf2onnx,
 * scikit-learn through skl2onnx) run by onnxruntime-node's CPU build. The only folder that imports
 * onnxruntime-node.
 */
import type { ModelFlavor, ModelSource } from '../flavor.js';
import { inspectOnnx, onnxFile } from './inspect.js';
import { loadOnnx } from './onnx-predictor.js';
import { looksLikeOnnx } from './proto.js';

export { looksLikeProbabilities } from './inspect.js';
export { loadOnnx, OnnxPredictor } from './onnx-predictor.js';
export type { OnnxMeta, OnnxOutputs } from './plan.js';

/** True for one `.onnx` file, or one file that starts like a serialized ONNX ModelProto. */
function detect(source: ModelSource): boolean {
  if (source.files.has('MLmodel')) return false;
  const found = onnxFile(source);
  if (!found) return false;
  const [path, bytes] = found;
  return path.toLowerCase().endsWith('.onnx') ? bytes.length > 0 : looksLikeOnnx(bytes);
}

/** The onnx model flavor. */
export const onnxFlavor: ModelFlavor = {
  name: 'onnx',
  summary:
    'an ONNX model file (.onnx: PyTorch, Keras via tf2onnx, scikit-learn via skl2onnx), run by onnxruntime',
  detect,
  inspect: inspectOnnx,
  load: loadOnnx,
};
