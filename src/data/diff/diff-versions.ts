import { describeValue, LatheError } from '../../core/index.js';
import type { TableEngine } from '../../storage/tables/index.js';
import type { ColumnSchema, DatasetVersionDetails } from '../types.js';
import {
  categoricalStatistics,
  isNumericBasis,
  judgeDrift,
  maxCategories,
  measureSamples,
  numericStatistics,
  planColumn,
  rangeEdges,
} from './diff-columns.js';
import { binCounts, categoryCounts, sampleValues, valueRanges } from './diff-scans.js';
import {
  type ColumnDiff,
  type DatasetDiff,
  type DiffOptions,
  type DiffSide,
  type DriftThresholds,
  defaultDriftThresholds,
  type SchemaDiff,
} from './types.js';

/** A version and the local path of its Parquet file. */
export interface DiffInput {
  version: DatasetVersionDetails;
  file: string;
}

const defaultSampleSize = 100_000;

/**
 * Checks diff options: thresholds in range, a whole sample size in 1,000..10,000,000, a whole seed
 * in 0..2³¹−1. Answers them with the defaults filled in.
 * @throws LatheError INVALID_ARGUMENT naming the option, the valid range and what arrived.
 */
export function checkDiffOptions(options: unknown): {
  thresholds: DriftThresholds;
  sampleSize: number;
  seed: number;
} {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options))
    throw new LatheError('INVALID_ARGUMENT', `diff options must be an object; got ${describeValue(options)}`);
  const o = options as DiffOptions;
  const bad = (what: string, range: string, got: unknown) =>
    new LatheError('INVALID_ARGUMENT', `${what} must be ${range}; got ${describeValue(got)}`);
  if (o.thresholds !== undefined && (typeof o.thresholds !== 'object' || o.thresholds === null))
    throw bad('thresholds', 'an object { psi, pValue, ksStatistic, jensenShannon }', o.thresholds);
  const thresholds = { ...defaultDriftThresholds };
  const given = (o.thresholds ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in thresholds))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `unknown threshold ${JSON.stringify(key)}; valid: ${Object.keys(thresholds).join(', ')}`,
      );
  }
  const within = (key: keyof DriftThresholds, lo: number, hi: number, range: string) => {
    const v = given[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !(v > lo && v <= hi)) throw bad(`thresholds.${key}`, range, v);
    thresholds[key] = v;
  };
  within('psi', 0, Number.MAX_VALUE, 'a number > 0');
  within('pValue', 0, 1, 'a number in (0, 1]');
  within('ksStatistic', 0, 1, 'a number in (0, 1]');
  within('jensenShannon', 0, 1, 'a number in (0, 1]');
  const sampleSize = o.sampleSize ?? defaultSampleSize;
  if (!Number.isInteger(sampleSize) || sampleSize < 1_000 || sampleSize > 10_000_000)
    throw bad('sampleSize', 'a whole number from 1,000 to 10,000,000', sampleSize);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
    throw bad('seed', 'a whole number from 0 to 2147483647', seed);
  return { thresholds, sampleSize, seed };
}

/** Added, removed and changed columns, from `a` (reference) to `b` (current). */
export function schemaDiff(a: readonly ColumnSchema[], b: readonly ColumnSchema[]): SchemaDiff {
  const inA = new Map(a.map((c) => [c.name, c]));
  const inB = new Map(b.map((c) => [c.name, c]));
  const common = a.filter((c) => inB.has(c.name)).map((c) => [c, inB.get(c.name)!] as const);
  const changed = <K extends 'type' | 'semantic' | 'nullable'>(k: K) =>
    common.filter(([x, y]) => x[k] !== y[k]).map(([x, y]) => ({ name: x.name, from: x[k], to: y[k] }));
  const out: SchemaDiff = {
    added: b.filter((c) => !inA.has(c.name)),
    removed: a.filter((c) => !inB.has(c.name)),
    typeChanged: changed('type'),
    semanticChanged: changed('semantic'),
    nullabilityChanged: changed('nullable'),
    unchanged: false,
  };
  out.unchanged =
    !out.added.length &&
    !out.removed.length &&
    !out.typeChanged.length &&
    !out.semanticChanged.length &&
    !out.nullabilityChanged.length;
  return out;
}

const sideOf = (v: DatasetVersionDetails): DiffSide => ({
  ref: v.ref,
  name: v.name,
  version: v.version,
  digest: v.digest,
  rows: v.rows,
  columns: v.columns.length,
});

/** Column names the version's profile flags as personal data (by values or by name). */
const piiColumns = (v: DatasetVersionDetails) => new Set((v.profile?.pii ?? []).map((f) => f.column));

/**
 * The diff of two versions, `reference` (old, expected) against `current` (new, actual): row
 * counts, schema changes, and for each column both have, summary numbers side by side, both
 * distributions on the same bins or categories, drift statistics from src/stats and whether it
 * drifted (see `DriftThresholds`). Reads the Parquet files in a few scans: one per version for the
 * histograms, one per version for the KS sample, one over both for category counts.
 * @throws LatheError INVALID_ARGUMENT for bad options.
 */
export async function diffVersions(
  engine: TableEngine,
  reference: DiffInput,
  current: DiffInput,
  options: DiffOptions = {},
): Promise<DatasetDiff> {
  const { thresholds, sampleSize, seed } = checkDiffOptions(options);
  const a = reference.version;
  const b = current.version;
  const schema = schemaDiff(a.columns, b.columns);
  const pii = new Set([...piiColumns(a), ...piiColumns(b)]);
  const profileOf = (v: DatasetVersionDetails, name: string) =>
    v.profile?.columns.find((c) => c.name === name);
  const plans = a.columns.flatMap((ca) => {
    const cb = b.columns.find((c) => c.name === ca.name);
    return cb ? [planColumn(ca, cb, profileOf(a, ca.name), profileOf(b, ca.name), pii.has(ca.name))] : [];
  });

  // Reference bins the profile does not give: over the reference's range.
  const unbinned = plans.filter((p) => isNumericBasis(p) && !p.edges);
  const ranges = await valueRanges(
    engine,
    reference.file,
    unbinned.map((p) => p.referenceExpr!),
  );
  unbinned.forEach((p, i) => {
    p.edges = rangeEdges(ranges[i]!.min, ranges[i]!.max, p.integer);
  });

  const numeric = plans.filter((p) => isNumericBasis(p) && p.edges);
  const binsA = await binCounts(
    engine,
    reference.file,
    numeric.map((p) => ({ expr: p.referenceExpr!, edges: p.edges! })),
  );
  const binsB = await binCounts(
    engine,
    current.file,
    numeric.map((p) => ({ expr: p.currentExpr!, edges: p.edges! })),
  );
  const sampleA = await sampleValues(
    engine,
    reference.file,
    a.rows,
    numeric.map((p) => p.referenceExpr!),
    sampleSize,
    seed,
  );
  const sampleB = await sampleValues(
    engine,
    current.file,
    b.rows,
    numeric.map((p) => p.currentExpr!),
    sampleSize,
    seed,
  );
  const categorical = plans.filter((p) => p.basis === 'category');
  const cats = await categoryCounts(
    engine,
    reference.file,
    current.file,
    categorical.map((p) => ({ reference: p.referenceExpr!, current: p.currentExpr! })),
    maxCategories,
  );

  const columns = plans.map((p): ColumnDiff => {
    const out: ColumnDiff = {
      name: p.name,
      kind: p.kind,
      basis: p.basis,
      reference: p.reference,
      current: p.current,
      statistics: null,
      sampled: false,
      sample: null,
      histogram: null,
      categories: null,
      drifted: false,
      reasons: [],
      ...(p.note ? { note: p.note } : {}),
    };
    const n = numeric.indexOf(p);
    if (n >= 0) {
      const ha = binsA[n]!;
      const hb = binsB[n]!;
      const sa = sampleA.values[n]!;
      const sb = sampleB.values[n]!;
      out.histogram = {
        edges: p.edges!,
        reference: ha.counts,
        current: hb.counts,
        currentBelow: hb.below,
        currentAbove: hb.above,
      };
      out.statistics = numericStatistics(ha, hb, measureSamples(sa, sb));
      out.sampled = sampleA.sampled || sampleB.sampled;
      out.sample = { reference: sa.length, current: sb.length };
    }
    const c = categorical.indexOf(p);
    if (c >= 0) {
      const r = categoricalStatistics(cats[c]!, p.redacted);
      out.categories = r.categories;
      out.statistics = r.statistics;
    }
    if (out.statistics) Object.assign(out, judgeDrift(out.statistics, thresholds));
    else if (p.kind !== 'identifier') emptySide(out);
    return out;
  });

  const compared = columns.filter((c) => c.statistics || c.drifted);
  const drifted = columns.filter((c) => c.drifted);
  return {
    reference: sideOf(a),
    current: sideOf(b),
    rows: {
      reference: a.rows,
      current: b.rows,
      change: b.rows - a.rows,
      changeShare: a.rows ? (b.rows - a.rows) / a.rows : null,
    },
    schema,
    columns,
    summary: {
      compared: compared.length,
      drifted: drifted.length,
      driftedShare: compared.length ? drifted.length / compared.length : 0,
      driftedColumns: drifted.map((c) => c.name),
      notCompared: columns.filter((c) => !compared.includes(c)).map((c) => c.name),
    },
    thresholds,
    sampleSize,
    seed,
  };
}

/**
 * A column without statistics because a version has no value in it: drifted when only one side is
 * empty (all its values went missing, or appeared), not compared when both are.
 */
function emptySide(out: ColumnDiff): void {
  const refEmpty = out.reference.count === 0;
  const curEmpty = out.current.count === 0;
  if (refEmpty && curEmpty) out.note = 'no values in either version';
  else if (curEmpty) {
    out.drifted = true;
    out.reasons = ['every value is missing in the current version'];
  } else if (refEmpty) {
    out.drifted = true;
    out.reasons = ['the reference version has no values; the current one has'];
  } else out.note ??= 'no values to compare';
}
