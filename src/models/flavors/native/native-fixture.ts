/**
 * Test helper (not exported from src/models): a small gradient-boosted classifier trained here,
 * as a native package, with rows keyed by its input columns and its matrix-path probabilities.
 */
import { modelFamily } from '../../../ml/index.js';
import { SeededRandom } from '../../../ml/seeded-random.js';
import { writeModelPackage } from '../../package.js';
import type { FlavorFixture } from '../flavor.conformance.js';

export function nativeFixture(rows = 80): FlavorFixture {
  const random = new SeededRandom(7);
  const cols = 3;
  const X = { data: Float64Array.from({ length: rows * cols }, () => random.normal()), rows, cols };
  for (let i = 0; i < rows; i += 9) X.data[i * cols + 1] = Number.NaN;
  const y = Float64Array.from({ length: rows }, (_, i) =>
    X.data[i * cols]! + 0.5 * X.data[i * cols + 2]! > 0 ? 1 : 0,
  );
  const model = modelFamily('gbdt').fit(X, y, { rounds: 10, maxDepth: 3 }, { task: 'binary', classes: 2 });
  const features = ['x0', 'x1', 'x2'];
  const table = Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(
      features.map((f, j) => [f, Number.isNaN(X.data[r * cols + j]!) ? null : X.data[r * cols + j]!]),
    ),
  );
  const pkg = writeModelPackage(model.save(), {
    flavor: 'native',
    createdAt: new Date(0).toISOString(),
    family: 'gbdt',
    task: 'binary',
    signature: {
      inputs: features.map((name) => ({ name, type: 'double', required: true })),
      outputs: [{ name: 'prediction', type: 'string', required: true }],
      classes: ['no', 'yes'],
    },
    recipe: null,
    features,
    params: { rounds: 10, maxDepth: 3 },
    training: { dataset: null, rows, evaluation: 'none' },
    metrics: {},
    runId: null,
    inputExample: table.slice(0, 3),
  });
  const p = model.predictProba!(X);
  const probabilities = Array.from({ length: rows }, (_, r) => [p.data[r * 2]!, p.data[r * 2 + 1]!]);
  return {
    source: { name: 'model', files: pkg.files },
    rows: table,
    expected: { predictions: probabilities.map((q) => (q[1]! > q[0]! ? 'yes' : 'no')), probabilities },
    tolerance: 1e-12,
  };
}
