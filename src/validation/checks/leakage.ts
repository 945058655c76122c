/**
 * The `leakage` check: signs that the target leaked into the inputs or the test rows into training —
 * a single feature that predicts the target almost perfectly, test rows that are training rows,
 * identifier columns that predict the label, and timestamps after the label time (time travel).
 */
import {
  type CheckResult,
  type CheckTable,
  numberIn,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationContext,
} from '../check.js';
import { missingColumn, sampleRows } from './label-errors-model.js';
import { pick } from './performance-metrics.js';
import {
  categoricalPower,
  isMissing,
  looksLikeTime,
  naturalRanks,
  numericPower,
  type Power,
  rowKey,
  timeOf,
  uniqueness,
} from './leakage-power.js';

/** Parameters of {@link leakageCheck}. */
export interface LeakageParams extends Record<string, unknown> {
  maxPower: number;
  maxOverlap: number;
  idUniqueness: number;
  maxIdPower: number;
  labelTime: string | null;
  timeColumns: string[] | null;
  maxTimeTravel: number;
  maxFindings: number;
}

interface Finding {
  kind: string;
  column: string;
  value: number;
  threshold: number;
  detail: string;
}

const NAME = 'leakage';
const ID_NAME = /(^|[_\s.-])(id|uuid|guid|key)$|^id[_\s.-]|^(unnamed: ?\d+|index|row_?(num|number)?)$/i;

/** True for a name that reads as an identifier (`id`, `customer_id`, `customerId`, `Unnamed: 0`…). */
function idName(f: string): boolean {
  return ID_NAME.test(f) || /[a-z]Id$/.test(f);
}
const r4 = (v: number) => (Number.isNaN(v) ? null : Math.round(v * 10000) / 10000);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function columnName(v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new Error(`must be a column name; got ${JSON.stringify(v)}`);
  return v;
}

/** Data leakage: near-perfect single features, train/test overlap, predictive identifiers, time travel. */
export const leakageCheck: ValidationCheck<LeakageParams> = {
  name: NAME,
  title: 'Data leakage',
  description:
    'Looks for signs that the answer leaked into the inputs: a feature that alone predicts the target almost ' +
    'perfectly (ROC-AUC, |Spearman ρ|, or the majority target per category learned on training rows, above ' +
    '0.98 by default — real features rarely get there alone), test rows that also appear in the training set ' +
    '(over 1% by default inflates every test metric), identifier-like columns (nearly unique integers or ' +
    'texts) that carry signal about the label (0.3 on a 0..1 scale, 0 = chance: an ID should carry none), ' +
    'and feature timestamps later than the label time (any such row by default). The value is the number of ' +
    'findings; one is enough to fail, since each is a reason the test metrics cannot be trusted.',
  tasks: ['binary', 'multiclass', 'regression'],
  params: {
    maxPower: { help: 'flag a feature whose power alone exceeds this (default 0.98)', default: 0.98 },
    maxOverlap: {
      help: 'flag when this share of test rows equals a training row (default 0.01)',
      default: 0.01,
    },
    idUniqueness: {
      help: 'a column with this share of distinct values (integers or texts) is identifier-like (default 0.95)',
      default: 0.95,
    },
    maxIdPower: {
      help: 'flag an identifier-like column whose power on a 0..1 scale (0 = chance) exceeds this (default 0.3)',
      default: 0.3,
    },
    labelTime: {
      help: 'the column holding when the label became known (default none: no time-travel test)',
      default: null,
    },
    timeColumns: {
      help: 'feature timestamp columns compared with labelTime (default: features holding dates or ISO-8601 texts)',
      default: null,
    },
    maxTimeTravel: {
      help: 'flag a time column with more than this share of rows after the label time (default 0)',
      default: 0,
    },
    maxFindings: { help: 'fail when there are more findings than this (default 0)', default: 0 },
  },
  columns: (p) => [...(p.labelTime ? [p.labelTime] : []), ...(p.timeColumns ?? [])],
  parseParams(raw) {
    return readParams<LeakageParams>(NAME, this.params, raw, {
      maxPower: numberIn(0, 1),
      maxOverlap: numberIn(0, 1),
      idUniqueness: numberIn(0, 1),
      maxIdPower: numberIn(0, 1),
      labelTime: columnName,
      timeColumns: (v) => {
        if (!Array.isArray(v) || v.length === 0)
          throw new Error(`must be a list of column names; got ${JSON.stringify(v)}`);
        return v.map(columnName);
      },
      maxTimeTravel: numberIn(0, 1),
      maxFindings: numberIn(0, 1e6),
    });
  },
  async run(ctx: ValidationContext, p: LeakageParams): Promise<Omit<CheckResult, 'seconds'>> {
    if (p.labelTime !== null && !(p.labelTime in ctx.test.columns))
      throw missingColumn(NAME, 'labelTime', p.labelTime, ctx.test);
    for (const c of p.timeColumns ?? [])
      if (!(c in ctx.test.columns)) throw missingColumn(NAME, 'timeColumns', c, ctx.test);
    const threshold: Threshold = { bad: 'above', fail: p.maxFindings };
    const notes: string[] = [];
    const findings: Finding[] = [];
    const rows = sampleRows(ctx.test.rows, ctx.sampleSize, ctx.seed);
    const y = pick(ctx.yTest, rows);
    const train = ctx.train && ctx.yTrain ? ctx.train : undefined;
    const trainRows = train ? sampleRows(train.rows, ctx.sampleSize, ctx.seed + 1) : undefined;
    const yTrain = train && trainRows ? pick(ctx.yTrain!, trainRows) : undefined;
    const features = ctx.features.filter((f) => f in ctx.test.columns);
    const powers: { f: string; kind: string; power: Power; idLike: boolean }[] = [];
    let categoricalUnscored = 0;

    // (a) single-feature power and (c) identifiers that predict the label.
    for (const f of features) {
      const col = ctx.test.columns[f]!;
      const values = Array.from(rows, (r) => col[r]);
      const u = uniqueness(values);
      const numeric = col instanceof Float64Array;
      // Texts nearly unique per row, or numbers named like an id or densely numbering the rows.
      const idLike = u.share >= p.idUniqueness && (!numeric || idName(f) || (u.integers && u.density >= 0.5));
      let power: Power;
      if (numeric) power = numericPower(ctx.task, values as number[], y);
      else if (idLike) power = numericPower(ctx.task, naturalRanks(values), y);
      else if (train && trainRows && yTrain && f in train.columns) {
        const tc = train.columns[f]!;
        const key = (v: unknown) => (isMissing(v) ? '\u0000' : String(v));
        power = categoricalPower(
          ctx.task,
          Array.from(trainRows, (r) => key(tc[r])),
          yTrain,
          values.map(key),
          y,
        );
      } else {
        categoricalUnscored++;
        power = { raw: Number.NaN, norm: Number.NaN, metric: 'n/a' };
      }
      powers.push({ f, kind: numeric ? 'numeric' : 'categorical', power, idLike });
      if (idLike && power.norm > p.maxIdPower)
        findings.push({
          kind: 'identifier predicts label',
          column: f,
          value: power.norm,
          threshold: p.maxIdPower,
          detail: `${pct(u.share)} distinct values, yet ${power.metric} ${power.raw.toFixed(3)} against the target`,
        });
      else if (power.raw > p.maxPower)
        findings.push({
          kind: 'single-feature power',
          column: f,
          value: power.raw,
          threshold: p.maxPower,
          detail: `${power.metric} ${power.raw.toFixed(3)} from this feature alone`,
        });
    }
    if (categoricalUnscored)
      notes.push(`${categoricalUnscored} categorical feature(s) not scored alone: no training set`);

    // (b) train/test row overlap.
    let overlap = Number.NaN;
    if (train) {
      const shared = features.filter((f) => f in train.columns);
      const trainCols = shared.map((f) => train.columns[f]!);
      const keys = new Set<string>();
      for (let r = 0; r < train.rows; r++) keys.add(rowKey(trainCols, r));
      const testCols = shared.map((f) => ctx.test.columns[f]!);
      let hits = 0;
      for (const r of rows) if (keys.has(rowKey(testCols, r))) hits++;
      overlap = hits / rows.length;
      if (overlap > p.maxOverlap)
        findings.push({
          kind: 'train/test overlap',
          column: '(all features)',
          value: overlap,
          threshold: p.maxOverlap,
          detail: `${hits} of ${rows.length} test rows have the feature values of a training row`,
        });
    } else notes.push('train/test overlap not checked: no training set');

    // (d) time travel.
    if (p.labelTime === null) notes.push('time travel not checked: no labelTime parameter');
    else {
      const label = p.labelTime;
      const timeCols =
        p.timeColumns ?? features.filter((f) => f !== label && looksLikeTime(ctx.test.columns[f]!));
      if (timeCols.length === 0) notes.push('time travel not checked: no timestamp features found');
      for (const c of timeCols) {
        let after = 0;
        let valid = 0;
        for (const frame of train ? [ctx.test, train] : [ctx.test]) {
          const tc = frame.columns[c];
          const lc = frame.columns[label];
          if (!tc || !lc) continue;
          for (let r = 0; r < frame.rows; r++) {
            const t = timeOf(tc[r]);
            const l = timeOf(lc[r]);
            if (Number.isNaN(t) || Number.isNaN(l)) continue;
            valid++;
            if (t > l) after++;
          }
        }
        const share = valid ? after / valid : 0;
        if (share > p.maxTimeTravel)
          findings.push({
            kind: 'time travel',
            column: c,
            value: share,
            threshold: p.maxTimeTravel,
            detail: `${after} of ${valid} rows have ${c} after ${label}`,
          });
      }
    }

    const value = findings.length;
    const status = statusOf(value, threshold);
    const ranked = [...powers].sort((a, b) => (b.power.raw || 0) - (a.power.raw || 0));
    const best = ranked.find((x) => !Number.isNaN(x.power.raw));
    const found = findings.map((x) => `${x.kind} in ${x.column} (${x.detail})`).join('; ');
    const clean = [
      best
        ? `the strongest single feature, ${best.f}, reaches ${best.power.metric} ${best.power.raw.toFixed(3)}`
        : '',
      Number.isNaN(overlap) ? '' : `${pct(overlap)} of test rows appear in training`,
    ].filter(Boolean);
    const tables: CheckTable[] = [
      {
        title: 'Leak findings',
        columns: ['kind', 'column', 'value', 'threshold', 'detail'],
        rows: findings.map((x) => [x.kind, x.column, r4(x.value), x.threshold, x.detail]),
      },
      {
        title: 'Predictive power of each feature alone',
        columns: ['feature', 'kind', 'metric', 'power', 'power (0 = chance, 1 = perfect)', 'identifier-like'],
        rows: ranked.map((x) => [x.f, x.kind, x.power.metric, r4(x.power.raw), r4(x.power.norm), x.idLike]),
      },
    ];
    const top = ranked.slice(0, 20);
    return {
      check: NAME,
      title: this.title,
      status,
      measure: 'number of leak findings',
      value,
      threshold,
      message:
        (value
          ? `${value} leak finding(s): ${found}.`
          : `No leak found${clean.length ? `: ${clean.join('; ')}` : ''}.`) +
        (notes.length ? ` ${notes.join('; ').replace(/^./, (c) => c.toUpperCase())}.` : ''),
      tables,
      charts: [
        {
          kind: 'bar',
          title: 'Predictive power of each feature alone (0 = chance, 1 = perfect)',
          xLabel: 'feature',
          yLabel: 'power',
          labels: top.map((x) => x.f),
          series: [{ name: 'power', values: top.map((x) => r4(x.power.norm)) }],
        },
      ],
      ...(rows.length < ctx.test.rows ? { sample: { rows: rows.length, of: ctx.test.rows } } : {}),
    };
  },
};
