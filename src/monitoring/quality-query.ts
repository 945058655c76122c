/**
 * Data quality of a window against a baseline (the training profile): per feature the missing
 * rate, values outside the baseline's range (numbers) and categories the baseline never had.
 */
import { quoteIdentifier, type TableEngine } from '../storage/tables/index.js';
import { featureColumn } from './inference-store.js';
import type { CatalogModel } from './model-catalog.js';
import type { FeatureKind, RecordWindow } from './types.js';

/** One feature's quality in the current window, next to the baseline's missing rate. */
export interface FeatureQuality {
  feature: string;
  kind: FeatureKind;
  /** Share of current rows without a value. */
  missingRate: number;
  baselineMissingRate: number;
  /** Numbers: share of current values outside the baseline's [min, max]. */
  outOfRangeRate: number | null;
  range: { min: number; max: number } | null;
  /** Categories: share of current values the baseline never had, and the most frequent of them. */
  newCategoryRate: number | null;
  newCategories: string[];
}

/** The answer of a quality query: per feature, refused records and volume against the windows before. */
export interface QualityReport {
  model: string;
  baseline: RecordWindow & { rows: number };
  current: RecordWindow & { rows: number };
  features: FeatureQuality[];
  /** Records refused in the window's days (type violations and other errors). */
  rejected: number;
  /** rejected / (rejected + rows in the window). */
  typeViolationRate: number;
  /** Rows in the window against the mean of the 7 windows of the same length before it. */
  volume: { rows: number; previousMean: number; change: number | null; anomaly: boolean };
}

/** Quality of `currentSql` against `baselineSql`, per feature, with row counts. */
export async function qualityOf(
  engine: TableEngine,
  model: CatalogModel,
  baselineSql: string,
  currentSql: string,
): Promise<{ rows: { baseline: number; current: number }; features: FeatureQuality[] }> {
  const cols = model.features.map((f) => ({ ...f, c: quoteIdentifier(featureColumn(f.name)) }));
  if (!cols.length) return { rows: { baseline: 0, current: 0 }, features: [] };
  const [base] = await engine.query<Record<string, number | null>>(
    `select count(*)::bigint as n${cols
      .map(
        (f, i) =>
          `, count(${f.c})::bigint as c${i}${f.kind === 'numeric' ? `, min(${f.c}) filter (where isfinite(${f.c})) as lo${i}, max(${f.c}) filter (where isfinite(${f.c})) as hi${i}` : ''}`,
      )
      .join('')} from ${baselineSql}`,
  );
  const nb = Number(base!.n);
  const range = (i: number) =>
    base![`lo${i}`] === null || base![`lo${i}`] === undefined
      ? null
      : { min: Number(base![`lo${i}`]), max: Number(base![`hi${i}`]) };
  const parts = cols.map((f, i) => {
    if (f.kind === 'numeric') {
      const r = range(i);
      return `, count(${f.c})::bigint as c${i}${r ? `, count(*) filter (where ${f.c} < ${r.min.toExponential()} or ${f.c} > ${r.max.toExponential()})::bigint as o${i}` : ''}`;
    }
    return `, count(${f.c})::bigint as c${i}, count(*) filter (where ${f.c} is not null and ${f.c}::varchar not in (select distinct ${f.c}::varchar from ${baselineSql} where ${f.c} is not null))::bigint as o${i}`;
  });
  const [cur] = await engine.query<Record<string, number | null>>(
    `select count(*)::bigint as n${parts.join('')} from ${currentSql}`,
  );
  const nc = Number(cur!.n);
  const categorical = cols.filter((f) => f.kind !== 'numeric');
  const newCats = new Map<string, string[]>();
  for (const f of categorical) {
    const rows = await engine.query<{ val: string }>(
      `select ${f.c}::varchar as val, count(*) as n from ${currentSql} where ${f.c} is not null and ${f.c}::varchar not in (select distinct ${f.c}::varchar from ${baselineSql} where ${f.c} is not null) group by val order by n desc, val limit 10`,
    );
    newCats.set(
      f.name,
      rows.map((r) => String(r.val)),
    );
  }
  const features = cols.map((f, i): FeatureQuality => {
    const present = Number(cur![`c${i}`]);
    const outside = cur![`o${i}`];
    return {
      feature: f.name,
      kind: f.kind,
      missingRate: nc ? 1 - present / nc : 0,
      baselineMissingRate: nb ? 1 - Number(base![`c${i}`]) / nb : 0,
      outOfRangeRate:
        f.kind === 'numeric' ? (present && outside !== undefined ? Number(outside) / present : 0) : null,
      range: f.kind === 'numeric' ? range(i) : null,
      newCategoryRate: f.kind === 'numeric' ? null : present ? Number(outside) / present : 0,
      newCategories: newCats.get(f.name) ?? [],
    };
  });
  return { rows: { baseline: nb, current: nc }, features };
}
