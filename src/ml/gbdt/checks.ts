/**
 * Input checks of gradient boosting (internal): features may hold NaN (missing) but not ±Infinity;
 * targets must be finite (class indices for classification, at least two classes present); sample
 * weights and the validation set are checked the same way. Errors name the row and column.
 */
import { describeValue } from '../../core/index.js';
import type { FitContext } from '../family.js';
import { checkMatrixAt, checkSampleWeightAt, invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';

/** Checks a feature matrix: NaN allowed, ±Infinity refused (with its row and column). */
export function checkFeatures(X: Matrix, cols: number | undefined, where: string): void {
  checkMatrixAt(X, where, cols, true);
}

function checkTargets(y: Float64Array, rows: number, context: FitContext, where: string): void {
  if (!(y instanceof Float64Array) || y.length !== rows)
    throw invalid(
      `${where}: y must be a Float64Array of ${rows} values (one per row); got ${describeValue(y)}`,
      {
        field: 'y',
      },
    );
  const k = context.classes;
  const seen = new Set<number>();
  for (let i = 0; i < rows; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v))
      throw invalid(`${where}: y must hold finite numbers; got ${v} at row ${i}`, { field: 'y', row: i });
    if (context.task !== 'regression') {
      if (!Number.isInteger(v) || v < 0 || v >= k)
        throw invalid(`${where}: y must hold class indices 0..${k - 1}; got ${v} at row ${i}`, {
          field: 'y',
          row: i,
        });
      seen.add(v);
    }
  }
  if (context.task !== 'regression' && where === 'fit' && seen.size < 2)
    throw invalid(`fit: y must hold at least 2 classes; got only class ${[...seen][0]}`, { field: 'y' });
}

/** Checks everything `fit` receives. */
export function checkFitData(X: Matrix, y: Float64Array, context: FitContext): void {
  const task = context.task;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression')
    throw invalid(`task must be binary, multiclass or regression; got ${describeValue(task)}`, {
      field: 'task',
    });
  if (task === 'binary' && context.classes !== 2)
    throw invalid(`a binary task needs classes = 2; got ${describeValue(context.classes)}`, {
      field: 'classes',
    });
  if (task === 'multiclass' && !(Number.isInteger(context.classes) && context.classes >= 2))
    throw invalid(`a multiclass task needs classes >= 2; got ${describeValue(context.classes)}`, {
      field: 'classes',
    });
  checkFeatures(X, undefined, 'fit');
  if (X.rows < 1 || X.cols < 1)
    throw invalid(`fit: X needs at least 1 row and 1 column; got ${X.rows} × ${X.cols}`, { field: 'X' });
  checkTargets(y, X.rows, context, 'fit');
  checkSampleWeightAt(context.sampleWeight, X.rows, 'fit');
  if (context.validation) {
    checkFeatures(context.validation.X, X.cols, 'validation');
    checkTargets(context.validation.y, context.validation.X.rows, context, 'validation');
  }
}
