import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import { type DataService, type DiffOptions, defaultDriftThresholds } from '../../../data/index.js';
import { Column, NameParams, Nullable, tags, VersionText } from './data-schemas.js';

const OneOf = <const T extends readonly string[]>(xs: T, options = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...xs], ...options });
const Counts = Type.Array(Type.Number());
const Change = <T extends TSchema>(t: T) => Type.Object({ name: Type.String(), from: t, to: t });
const Side = Type.Object({
  ref: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  digest: Type.String(),
  rows: Type.Integer(),
  columns: Type.Integer(),
});
const SideStats = Type.Object({
  type: Type.String(),
  semantic: Type.String(),
  count: Type.Integer(),
  missing: Type.Integer(),
  missingShare: Type.Number(),
  distinct: Type.Integer(),
  distinctApproximate: Type.Boolean(),
  mean: Type.Optional(Type.Number()),
  std: Type.Optional(Type.Number()),
  min: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  max: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  quantiles: Type.Optional(Type.Record(Type.String(), Nullable(Type.Number()))),
  length: Type.Optional(Type.Object({ min: Type.Number(), max: Type.Number(), mean: Type.Number() })),
});
const Statistics = Type.Object({
  psi: Type.Number({ description: 'population stability index on the reference bins or the categories' }),
  jensenShannon: Type.Number({ description: 'Jensen–Shannon distance, base 2, 0..1' }),
  ks: Nullable(
    Type.Object({
      statistic: Type.Number(),
      pValue: Nullable(Type.Number()),
      method: OneOf(['exact', 'asymp']),
    }),
  ),
  wasserstein: Nullable(Type.Number({ description: 'in the units of the basis' })),
  chiSquare: Nullable(Type.Object({ statistic: Type.Number(), pValue: Type.Number(), dof: Type.Integer() })),
});
const ColumnDiff = Type.Object({
  name: Type.String(),
  kind: OneOf(['numeric', 'categorical', 'boolean', 'datetime', 'text', 'identifier']),
  basis: OneOf(['value', 'epoch_ms', 'length', 'category', 'none'], {
    description:
      'what histograms and statistics are computed on: values, ms since epoch, text length, categories',
  }),
  reference: SideStats,
  current: SideStats,
  statistics: Nullable(Statistics),
  sampled: Type.Boolean({
    description: 'KS and Wasserstein used a sample of a version (more rows than sampleSize)',
  }),
  sample: Nullable(Type.Object({ reference: Type.Integer(), current: Type.Integer() })),
  histogram: Nullable(
    Type.Object(
      {
        edges: Counts,
        reference: Counts,
        current: Counts,
        currentBelow: Type.Integer(),
        currentAbove: Type.Integer(),
      },
      { description: "both versions' counts on the reference's bins (values outside in the end bins)" },
    ),
  ),
  categories: Nullable(
    Type.Object({
      values: Type.Array(Type.String()),
      reference: Counts,
      current: Counts,
      other: Nullable(
        Type.Object({ categories: Type.Integer(), reference: Type.Integer(), current: Type.Integer() }),
      ),
      newCategories: Type.Array(Type.String()),
      newCount: Type.Integer(),
      vanishedCategories: Type.Array(Type.String()),
      vanishedCount: Type.Integer(),
      redacted: Type.Boolean(),
    }),
  ),
  drifted: Type.Boolean(),
  reasons: Type.Array(Type.String()),
  note: Type.Optional(Type.String()),
});
const Thresholds = Type.Object({
  psi: Type.Number(),
  pValue: Type.Number(),
  ksStatistic: Type.Number(),
  jensenShannon: Type.Number(),
});
/** The response of the diff route: `DatasetDiff` of src/data/diff. */
const DatasetDiffSchema = Type.Object({
  reference: Side,
  current: Side,
  rows: Type.Object({
    reference: Type.Integer(),
    current: Type.Integer(),
    change: Type.Integer(),
    changeShare: Nullable(Type.Number()),
  }),
  schema: Type.Object({
    added: Type.Array(Column),
    removed: Type.Array(Column),
    typeChanged: Type.Array(Change(Type.String())),
    semanticChanged: Type.Array(Change(Type.String())),
    nullabilityChanged: Type.Array(Change(Type.Boolean())),
    unchanged: Type.Boolean(),
  }),
  columns: Type.Array(ColumnDiff),
  summary: Type.Object({
    compared: Type.Integer(),
    drifted: Type.Integer(),
    driftedShare: Type.Number(),
    driftedColumns: Type.Array(Type.String()),
    notCompared: Type.Array(Type.String()),
  }),
  thresholds: Thresholds,
  sampleSize: Type.Integer(),
  seed: Type.Integer(),
});

const d = defaultDriftThresholds;
const DiffQuery = Type.Object({
  from: VersionText('the reference (old) version: a number or `latest`'),
  to: Type.Optional(VersionText('the current (new) version: a number or `latest` (default)')),
  toDataset: Type.Optional(
    Type.String({ minLength: 1, maxLength: 128, description: 'the dataset of `to` (default: the same)' }),
  ),
  psi: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: `PSI threshold (default ${d.psi})` })),
  pValue: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 1, description: `significance level (default ${d.pValue})` }),
  ),
  ksStatistic: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: `smallest KS statistic that counts (default ${d.ksStatistic})`,
    }),
  ),
  jensenShannon: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: `smallest Jensen–Shannon distance that counts (default ${d.jensenShannon})`,
    }),
  ),
  sampleSize: Type.Optional(
    Type.Integer({
      minimum: 1000,
      maximum: 10_000_000,
      description: 'rows per version for KS and Wasserstein (default 100,000)',
    }),
  ),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'seed of the sample' })),
});

/** `GET /api/v1/datasets/{name}/diff`: the diff of two versions (see src/data/diff). */
export const diffRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  app.get(
    '/api/v1/datasets/:name/diff',
    {
      schema: {
        tags,
        summary: 'Diff two versions: schema, row counts and per-column drift',
        description:
          'Compares version `from` of `name` (the reference) with version `to` of `toDataset` (default: the same ' +
          'dataset; `to` defaults to `latest`). Answers schema changes, row counts, and for each common column ' +
          'summary numbers side by side, both distributions on the same bins (numbers, times, text lengths) or ' +
          'categories, PSI, Jensen–Shannon, KS and Wasserstein (numeric kinds) or chi-squared (categorical ' +
          'kinds), and whether it drifted: test p-value below `pValue` and PSI ≥ `psi` or KS statistic ≥ ' +
          '`ksStatistic` / Jensen–Shannon ≥ `jensenShannon`.',
        params: NameParams,
        querystring: DiffQuery,
        response: { 200: DatasetDiffSchema },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const q = req.query;
      const thresholds: DiffOptions['thresholds'] = {};
      for (const k of ['psi', 'pValue', 'ksStatistic', 'jensenShannon'] as const)
        if (q[k] !== undefined) thresholds[k] = q[k];
      return data.diff(
        `${req.params.name}@${q.from}`,
        `${q.toDataset ?? req.params.name}@${q.to ?? 'latest'}`,
        {
          thresholds,
          ...(q.sampleSize !== undefined ? { sampleSize: q.sampleSize } : {}),
          ...(q.seed !== undefined ? { seed: q.seed } : {}),
        },
      );
    },
  );
};
