import {
  alignCategories,
  type CategoricalCounts,
  chiSquareHomogeneity,
  histogramEdges,
  jensenShannon,
  type KsWassersteinResult,
  ksWassersteinSorted,
  psi,
  sortFinite,
} from '../../stats/index.js';
import { quoteIdentifier } from '../../storage/tables/index.js';
import { isNumericFamily, type TypeFamily, typeFamily } from '../semantic.js';
import type { ColumnProfile, ColumnSchema } from '../types.js';
import type { BinCounts, CategoryCounts } from './diff-scans.js';
import type {
  ColumnSideStats,
  DiffBasis,
  DiffCategories,
  DiffKind,
  DriftStatistics,
  DriftThresholds,
} from './types.js';

/** Bins of a numeric reference sketch, as the profile makes them. */
const bins = 20;
/** Categories listed one by one; the rest are pooled. */
export const maxCategories = 200;
/** New and vanished categories named. */
const maxNamed = 50;

/** How one common column will be compared, and the SQL that reads it in each version. */
export interface ColumnPlan {
  name: string;
  kind: DiffKind;
  basis: DiffBasis;
  reference: ColumnSideStats;
  current: ColumnSideStats;
  /** A DOUBLE (numeric bases) or VARCHAR (categories) expression per version; null when not compared. */
  referenceExpr: string | null;
  currentExpr: string | null;
  /** The reference's bins (numeric bases), from its stored profile when it has them. */
  edges: number[] | null;
  /** Whether the basis is whole numbers (bins per value for small ranges). */
  integer: boolean;
  redacted: boolean;
  note?: string;
}

const isTime = (f: TypeFamily) => f === 'date' || f === 'timestamp';

/**
 * Plans the comparison of a column present in both versions. The kind follows the reference's
 * semantic type, when the current type allows it: a column whose type changed between numbers (or
 * times) and text is compared as categories of its text form; a target is numeric when it has more
 * than 20 distinct numbers, else categorical.
 */
export function planColumn(
  a: ColumnSchema,
  b: ColumnSchema,
  pa: ColumnProfile | undefined,
  pb: ColumnProfile | undefined,
  redacted: boolean,
): ColumnPlan {
  const fa = typeFamily(a.type);
  const fb = typeFamily(b.type);
  const bothNumeric = isNumericFamily(fa) && isNumericFamily(fb);
  let kind: DiffKind;
  let note: string | undefined;
  const asText = () => {
    note = `the type changed from ${a.type} to ${b.type}: compared as categories of the values' text`;
    return 'categorical' as const;
  };
  switch (a.semantic) {
    case 'identifier':
      kind = 'identifier';
      note = 'identifiers are not compared';
      break;
    case 'boolean':
      kind = 'boolean';
      break;
    case 'numeric':
      kind = bothNumeric ? 'numeric' : asText();
      break;
    case 'datetime':
      kind = isTime(fa) && isTime(fb) ? 'datetime' : asText();
      break;
    case 'text':
      kind = 'text';
      break;
    case 'target':
      kind =
        fa === 'boolean' || fb === 'boolean'
          ? 'boolean'
          : bothNumeric && (pa?.distinct ?? 0) > 20
            ? 'numeric'
            : 'categorical';
      break;
    default:
      kind = 'categorical';
  }
  const q = quoteIdentifier(a.name);
  const expr = (family: TypeFamily): string | null => {
    switch (kind) {
      case 'numeric':
        return `${q}::double`;
      case 'datetime':
        return family === 'date' ? `epoch_ms(${q}::timestamp)::double` : `epoch_ms(${q})::double`;
      case 'text':
        return `length(${q}::varchar)::double`;
      case 'boolean':
        // 0/1 numbers and BOOLEAN read alike.
        return isNumericFamily(family) ? `(${q} <> 0)::varchar` : `${q}::varchar`;
      case 'categorical':
        return `${q}::varchar`;
      default:
        return null;
    }
  };
  const basis: DiffBasis =
    kind === 'numeric'
      ? 'value'
      : kind === 'datetime'
        ? 'epoch_ms'
        : kind === 'text'
          ? 'length'
          : kind === 'identifier'
            ? 'none'
            : 'category';
  const plan: ColumnPlan = {
    name: a.name,
    kind,
    basis,
    reference: sideStats(a, pa),
    current: sideStats(b, pb),
    referenceExpr: expr(fa),
    currentExpr: expr(fb),
    edges: null,
    integer: kind === 'text' || kind === 'datetime' || (kind === 'numeric' && fa === 'integer'),
    redacted,
    ...(note ? { note } : {}),
  };
  plan.edges = profileEdges(plan, pa);
  return plan;
}

/** True for the kinds compared on numbers (histograms, KS, Wasserstein). */
export const isNumericBasis = (p: ColumnPlan) =>
  p.basis === 'value' || p.basis === 'epoch_ms' || p.basis === 'length';

/** The reference's bins from its stored profile: the histogram sketch, or bins over its range. */
function profileEdges(p: ColumnPlan, pa: ColumnProfile | undefined): number[] | null {
  if (!pa) return null;
  if (p.basis === 'value') return pa.histogram && pa.histogram.edges.length >= 2 ? pa.histogram.edges : null;
  if (p.basis === 'epoch_ms' && pa.datetime)
    return rangeEdges(Date.parse(pa.datetime.min), Date.parse(pa.datetime.max), true);
  if (p.basis === 'length' && pa.length) return rangeEdges(pa.length.min, pa.length.max, true);
  return null;
}

/**
 * Bins over [min, max] as the profile makes them: one per value for whole numbers spanning fewer
 * than 20 values, else 20 equal-width bins (`histogramEdges`); null when there is no finite range.
 */
export function rangeEdges(min: number, max: number, integer: boolean): number[] | null {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (integer && Number.isInteger(min) && Number.isInteger(max) && max - min < bins)
    return Array.from({ length: max - min + 2 }, (_, k) => min - 0.5 + k);
  return histogramEdges(min, max, min === max ? 1 : bins);
}

function sideStats(c: ColumnSchema, p: ColumnProfile | undefined): ColumnSideStats {
  const out: ColumnSideStats = {
    type: c.type,
    semantic: c.semantic,
    count: p?.count ?? 0,
    missing: p?.missing ?? 0,
    missingShare: p?.missingShare ?? 0,
    distinct: p?.distinct ?? 0,
    distinctApproximate: p?.distinctApproximate ?? false,
  };
  if (!p) return out;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (finite(p.mean)) out.mean = p.mean;
  if (finite(p.std)) out.std = p.std;
  if (finite(p.min) || typeof p.min === 'string') out.min = p.min;
  if (finite(p.max) || typeof p.max === 'string') out.max = p.max;
  if (p.quantiles) out.quantiles = p.quantiles;
  if (p.length) out.length = p.length;
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/**
 * PSI and Jensen–Shannon on the two versions' counts over the reference's bins, with KS and
 * Wasserstein as measured on their values (see {@link measureSamples}; null when a side has none);
 * null when either version has no value in any bin.
 */
export function numericStatistics(
  a: BinCounts,
  b: BinCounts,
  measured: KsWassersteinResult | null,
): DriftStatistics | null {
  if (sum(a.counts) === 0 || sum(b.counts) === 0) return null;
  const ks = measured?.ks;
  return {
    psi: psi(a.counts, b.counts).statistic,
    jensenShannon: jensenShannon(a.counts, b.counts).statistic,
    ks: ks ? { statistic: ks.statistic, pValue: orNull(ks.pValue), method: ks.method } : null,
    wasserstein: measured ? measured.wasserstein : null,
    chiSquare: null,
  };
}

/** KS and Wasserstein of two samples (NaN dropped), or null when either has no value. */
export function measureSamples(sa: Float64Array, sb: Float64Array): KsWassersteinResult | null {
  const a = sortFinite(sa);
  const b = sortFinite(sb);
  return a.length && b.length ? ksWassersteinSorted(a, b) : null;
}

/**
 * Both versions' counts on the same categories (`alignCategories`: the reference's categories by
 * count, then the new ones), the pooled rest appended for PSI, Jensen–Shannon and chi-squared.
 * Statistics are null when either version has no value.
 */
export function categoricalStatistics(
  c: CategoryCounts,
  redacted: boolean,
): { categories: DiffCategories; statistics: DriftStatistics | null } {
  const side = (pick: 'reference' | 'current'): CategoricalCounts => {
    const entries = c.top.filter((t) => t[pick] > 0).map((t) => [t.value, t[pick]] as [string, number]);
    entries.sort((x, y) => y[1] - x[1]);
    return { counts: new Map(entries), missing: 0, total: sum(entries.map((e) => e[1])) };
  };
  const aligned = alignCategories(side('reference'), side('current'));
  const rest = c.rest.categories > 0 ? c.rest : null;
  const ref = rest ? [...aligned.reference, rest.reference] : aligned.reference;
  const cur = rest ? [...aligned.current, rest.current] : aligned.current;
  const named = (which: 'reference' | 'current') =>
    c.top.filter((t) => t[which === 'reference' ? 'current' : 'reference'] === 0 && t[which] > 0);
  const newOnes = named('current');
  const vanished = named('reference');
  const label = (v: string, i: number) => (redacted ? `<redacted #${i + 1}>` : v);
  const categories: DiffCategories = {
    values: aligned.categories.map(label),
    reference: aligned.reference,
    current: aligned.current,
    other: rest ? { categories: rest.categories, reference: rest.reference, current: rest.current } : null,
    newCategories: redacted ? [] : newOnes.slice(0, maxNamed).map((t) => t.value),
    newCount: newOnes.length + c.rest.onlyCurrent,
    vanishedCategories: redacted ? [] : vanished.slice(0, maxNamed).map((t) => t.value),
    vanishedCount: vanished.length + c.rest.onlyReference,
    redacted,
  };
  if (sum(ref) === 0 || sum(cur) === 0) return { categories, statistics: null };
  const chi = chiSquareHomogeneity(ref, cur);
  return {
    categories,
    statistics: {
      psi: psi(ref, cur).statistic,
      jensenShannon: jensenShannon(ref, cur).statistic,
      ks: null,
      wasserstein: null,
      chiSquare: { statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof },
    },
  };
}

const fmt = (x: number) =>
  x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(1) : Number(x.toPrecision(3)).toString();

/**
 * Whether a column drifted under `t` (see `DriftThresholds`): its test (KS for numeric kinds,
 * chi-squared for categorical ones) is significant and PSI or the effect size (KS statistic,
 * Jensen–Shannon distance) is large. Answers the reasons, one per size rule met.
 */
export function judgeDrift(s: DriftStatistics, t: DriftThresholds): { drifted: boolean; reasons: string[] } {
  const test = s.ks
    ? {
        name: 'KS',
        p: s.ks.pValue,
        effect: `KS statistic ${fmt(s.ks.statistic)} ≥ ${t.ksStatistic}`,
        large: s.ks.statistic >= t.ksStatistic,
      }
    : s.chiSquare
      ? {
          name: 'chi²',
          p: s.chiSquare.pValue,
          effect: `Jensen–Shannon distance ${fmt(s.jensenShannon)} ≥ ${t.jensenShannon}`,
          large: s.jensenShannon >= t.jensenShannon,
        }
      : null;
  if (!test || test.p === null || !(test.p < t.pValue)) return { drifted: false, reasons: [] };
  const sig = `${test.name} p-value ${fmt(test.p)} < ${t.pValue}`;
  const reasons: string[] = [];
  if (s.psi >= t.psi) reasons.push(`PSI ${fmt(s.psi)} ≥ ${t.psi} (${sig})`);
  if (test.large) reasons.push(`${test.effect} (${sig})`);
  return { drifted: reasons.length > 0, reasons };
}
