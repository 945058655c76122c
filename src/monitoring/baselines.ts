/**
 * Reference environments from dataset versions: a version's rows logged as records of a model
 * (`training`, `validation` or a named environment), its target as their actuals, so production is
 * compared with what the model learned from.
 */
import { describeValue, LatheError } from '../core/index.js';
import { isNumericFamily, typeFamily } from '../data/index.js';
import type { ModelService } from '../models/index.js';
import { quoteIdentifier, quoteLiteral } from '../storage/tables/index.js';
import { featureColumn, type InferenceStore, predictionColumns } from './inference-store.js';
import type { CatalogModel, ModelCatalog } from './model-catalog.js';
import { environmentPattern, type FeatureKind } from './types.js';

/** Which dataset version, as which environment; its target and prediction columns when it has them. */
export interface BaselineInput {
  environment: string;
  dataset: string;
  target?: string;
  prediction?: string;
  /** The model version the rows stand for (default `baseline`). */
  version?: string;
}

/** Where dataset versions are read (the data module's DataService). */
export interface BaselineData {
  versionFile(ref: unknown): Promise<{
    version: { ref: string; columns: { name: string; type: string; semantic?: string }[] };
    file: string;
  }>;
}

/** A logged baseline: the rows stored, the actuals taken from the target, the features kept. */
export interface BaselineResult {
  model: string;
  environment: string;
  dataset: string;
  rows: number;
  actuals: number;
  features: string[];
}

/** What logging a baseline needs. */
export interface BaselineDeps {
  catalog: ModelCatalog;
  store: InferenceStore;
  now: () => number;
}

/**
 * Logs a dataset version as a reference environment of the model (`training`, `validation` or a
 * name of its own), replacing an earlier one of that environment: one record per row, its
 * features the model's (a new model takes every column but the target and prediction), its
 * actual the `target` column, its prediction the `prediction` column when given. Production is
 * then compared with what the model learned from.
 * @throws LatheError INVALID_ARGUMENT for a column the version lacks, or a version sharing none
 *   of the model's features; the data module's errors for a bad reference.
 */
export async function logBaseline(
  deps: BaselineDeps,
  name: string,
  input: BaselineInput,
  data: BaselineData,
): Promise<BaselineResult> {
  if (!environmentPattern.test(input.environment))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `environment must match ${environmentPattern}; got ${describeValue(input.environment)}`,
    );
  const { version, file } = await data.versionFile(input.dataset);
  const columns = new Map(version.columns.map((c) => [c.name, c.type]));
  for (const [what, col] of [
    ['target', input.target],
    ['prediction', input.prediction],
  ] as const)
    if (col !== undefined && !columns.has(col))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${what} column ${JSON.stringify(col)} is not in ${version.ref}; its columns: ${[...columns.keys()].join(', ')}`,
      );
  const existing = await deps.catalog.find(name);
  const columnKind = (column: string): FeatureKind => {
    const f = typeFamily(columns.get(column)!);
    return isNumericFamily(f) ? 'numeric' : f === 'boolean' ? 'boolean' : 'categorical';
  };
  const skip = new Set([input.target, input.prediction].filter(Boolean));
  const features = existing?.features.length
    ? existing.features.filter((f) => columns.has(f.name))
    : [...columns.keys()].filter((c) => !skip.has(c)).map((c) => ({ name: c, kind: columnKind(c) }));
  if (!features.length)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${version.ref} has none of model ${name}'s features (${existing?.features.map((f) => f.name).join(', ')})`,
    );
  // A new model's task: numbers in the target (else the prediction) column make it a regression.
  const label = input.target ?? input.prediction;
  const task =
    existing?.task ?? (label ? (columnKind(label) === 'numeric' ? 'regression' : 'classification') : null);
  const model = await deps.catalog.grow(name, {
    features,
    versions: [input.version ?? 'baseline'],
    ...(task ? { task } : {}),
  });
  const now = deps.now();
  const src = `read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
  const idExpr = `${quoteLiteral(`${input.environment}:${version.ref}:`)} || file_row_number::varchar`;
  // Each column of the model's records from the version (columns it lacks stay null).
  const exprs = new Map<string, string>([
    ['id', idExpr],
    ['ts', String(now)],
    ['v', quoteLiteral(input.version ?? 'baseline')],
    ['env', quoteLiteral(input.environment)],
  ]);
  if (input.prediction) {
    exprs.set('p', quoteIdentifier(input.prediction));
    if (columnKind(input.prediction) === 'numeric') exprs.set('pn', quoteIdentifier(input.prediction));
  }
  for (const f of model.features)
    if (columns.has(f.name)) exprs.set(featureColumn(f.name), quoteIdentifier(f.name));
  const select = predictionColumns(model)
    .map(([n, t]) => `${exprs.get(n) ?? 'null'}::${t} as ${quoteIdentifier(n)}`)
    .join(', ');
  const replaces = `baseline-${input.environment}-`;
  const rows = await deps.store.importSegment(
    model.key,
    `${replaces}${now}`,
    `select ${select} from ${src}`,
    replaces,
  );
  let actuals = 0;
  if (input.target) {
    const t = quoteIdentifier(input.target);
    actuals = await deps.store.importSegment(
      'actuals',
      `${model.key}-${replaces}${now}`,
      `select ${idExpr} as id, ${t}::varchar as a, try_cast(${t} as double) as an, ${now}::bigint as ts, ${now * 4096}::bigint as seq, ${quoteLiteral(name)} as m from ${src} where ${t} is not null`,
      `${model.key}-${replaces}`,
    );
  }
  await deps.catalog.addBaseline(name, {
    environment: input.environment,
    dataset: version.ref,
    rows,
    target: input.target ?? null,
    loggedAt: now,
  });
  return {
    model: name,
    environment: input.environment,
    dataset: version.ref,
    rows,
    actuals,
    features: features.map((f) => f.name),
  };
}

/**
 * When a model has no `training` environment, but a version of it is a Lathe model trained from a
 * dataset version, logs that version as its training environment (with the model's output column
 * as actuals when the data has it). Answers whether it did. Other failures leave the query to find
 * an empty baseline.
 */
export async function ensureTrainingBaseline(
  deps: BaselineDeps,
  model: CatalogModel,
  models: ModelService,
  data: BaselineData,
): Promise<boolean> {
  if (model.baselines.some((b) => b.environment === 'training')) return false;
  if ((await deps.store.count(model, { environment: 'training' })) > 0) return false;
  for (const version of [...model.versions].reverse()) {
    try {
      const { manifest } = await models.describe(`${model.name}@${version}`);
      const dataset = manifest.training.dataset;
      if (!dataset) continue;
      // The target: the column the dataset marks as such, else one named like the model's output.
      const { version: v } = await data.versionFile(dataset);
      const output = manifest.signature.outputs[0]?.name;
      const target =
        v.columns.find((c) => c.semantic === 'target')?.name ??
        v.columns.find((c) => c.name === output)?.name;
      await logBaseline(
        deps,
        model.name,
        {
          environment: 'training',
          dataset,
          version,
          ...(target ? { target } : {}),
        },
        data,
      );
      return true;
    } catch {
      // Not a Lathe model, or its data is gone: try the next version.
    }
  }
  return false;
}
