/**
 * The spec of a batch scoring job (`predict`): which model version scores which dataset version
 * into which dataset, checked against the model's signature and the data's columns before the job
 * is queued. References are pinned (`churn@champion` → `churn@7`, `loans@latest` → `loans@12`) so a
 * resumed job scores with the same model on the same rows.
 */
import { describeValue, LatheError } from '../core/index.js';
import { checkDatasetName, type DataService } from '../data/index.js';
import type { ModelService } from '../models/index.js';

/** What a `predict` job does. */
export interface BatchPredictSpec {
  /** The model: `NAME@VERSION`, `NAME@ALIAS` or `NAME@latest` (pinned to a version when checked). */
  model: string;
  /** The dataset version to score: `NAME@VERSION` or `NAME@latest` (pinned when checked). */
  data: string;
  /** The dataset the predictions become a new version of. */
  out: string;
  /** Input columns copied beside the predictions: all (default), none, or the ones listed. */
  keep?: 'all' | 'none' | string[];
  /** Rows per chunk (1,000–1,000,000; default 100,000): the unit of memory and of resuming. */
  chunkRows?: number;
  /** Read numeric strings in numeric columns as numbers. */
  numericStrings?: boolean;
}

/** Output column names the predictions use. */
export function outputColumns(classes: readonly (string | number | boolean)[] | undefined): string[] {
  return ['prediction', ...(classes ?? []).map((c) => `probability_${String(c)}`)];
}

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field} ${message}`, { field });
}

/**
 * Checks a `predict` spec: fields, the model and the data exist, the data has every column the
 * model requires, and kept columns do not collide with the prediction columns.
 * @throws LatheError INVALID_ARGUMENT naming the field (and listing missing columns); NOT_FOUND for
 *   an unknown model or dataset version.
 */
export async function checkBatchPredictSpec(
  spec: unknown,
  deps: { data: DataService; models: ModelService },
): Promise<BatchPredictSpec> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `a predict spec is an object {model, data, out}; got ${describeValue(spec)}`,
    );
  const o = spec as Record<string, unknown>;
  const known = ['model', 'data', 'out', 'keep', 'chunkRows', 'numericStrings'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length) throw bad(unknown[0]!, `is not a predict option; valid options: ${known.join(', ')}`);
  for (const k of ['model', 'data', 'out'] as const)
    if (typeof o[k] !== 'string' || !(o[k] as string).length)
      throw bad(k, `must be a non-empty string; got ${describeValue(o[k])}`);
  const out = checkDatasetName(o['out']);
  const chunkRows = o['chunkRows'] ?? 100_000;
  if (
    typeof chunkRows !== 'number' ||
    !Number.isInteger(chunkRows) ||
    chunkRows < 1000 ||
    chunkRows > 1_000_000
  )
    throw bad('chunkRows', `must be an integer in 1000..1000000; got ${describeValue(chunkRows)}`);
  if (o['numericStrings'] !== undefined && typeof o['numericStrings'] !== 'boolean')
    throw bad('numericStrings', `must be true or false; got ${describeValue(o['numericStrings'])}`);

  const { version: mv, predictor } = await deps.models.load(o['model'] as string);
  const version = await deps.data.version(o['data']);
  const columns = version.columns.map((c) => c.name);
  const required = predictor.signature.inputs.filter((c) => c.required).map((c) => c.name);
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length)
    throw bad(
      'data',
      `${version.ref} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${mv.name}@${mv.version} reads; its columns are ${columns.join(', ')}`,
    );
  const keepRaw = o['keep'] ?? 'all';
  let keep: string[];
  if (keepRaw === 'all') keep = columns;
  else if (keepRaw === 'none') keep = [];
  else if (Array.isArray(keepRaw) && keepRaw.every((c) => typeof c === 'string')) {
    const absent = keepRaw.filter((c) => !columns.includes(c));
    if (absent.length)
      throw bad(
        'keep',
        `names column${absent.length > 1 ? 's' : ''} ${absent.join(', ')} that ${version.ref} does not have`,
      );
    keep = keepRaw;
  } else throw bad('keep', `must be "all", "none" or a list of column names; got ${describeValue(keepRaw)}`);
  const outputs = outputColumns(predictor.signature.classes);
  const clash = keep.filter((c) => outputs.includes(c));
  if (clash.length)
    throw bad(
      'keep',
      `would copy ${clash.join(', ')}, which the predictions are named; keep other columns (keep: [...]) or none`,
    );
  return {
    model: `${mv.name}@${mv.version}`,
    data: version.ref,
    out,
    keep: keepRaw === 'all' || keepRaw === 'none' ? keepRaw : keep,
    chunkRows,
    ...(o['numericStrings'] === true ? { numericStrings: true } : {}),
  };
}
