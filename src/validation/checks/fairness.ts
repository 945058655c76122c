/**
 * The `fairness` check: how the candidate treats the groups of a protected attribute on the test
 * set — demographic parity difference, disparate impact ratio (the four-fifths rule), equal
 * opportunity difference (TPR gap), equalized odds difference (max of TPR and FPR gaps) and
 * per-group metrics.
 */
import { LatheError } from '../../core/index.js';
import {
  type CheckResult,
  type Label,
  numberIn,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationContext,
} from '../check.js';
import { missingColumn } from './label-errors-model.js';

/** Parameters of {@link fairnessCheck}. */
export interface FairnessParams extends Record<string, unknown> {
  attribute: string;
  privileged: Label | null;
  positive: Label | null;
  minRows: number;
  warn: number;
  fail: number;
}

/** One group's counts and rates. */
interface Group {
  name: string;
  rows: number;
  positiveRate: number;
  tpr: number;
  fpr: number;
  accuracy: number;
}

const NAME = 'fairness';

/** The group name of an attribute value (missing values form one group). */
function groupName(v: unknown): string {
  if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v)))
    return '(missing)';
  return String(v);
}

function groups(values: ArrayLike<unknown>, yTrue: Float64Array, yPred: Float64Array, pos: number): Group[] {
  const acc = new Map<
    string,
    { n: number; pp: number; p: number; tp: number; neg: number; fp: number; ok: number }
  >();
  for (let i = 0; i < yTrue.length; i++) {
    const g = groupName(values[i]);
    let a = acc.get(g);
    if (!a) {
      a = { n: 0, pp: 0, p: 0, tp: 0, neg: 0, fp: 0, ok: 0 };
      acc.set(g, a);
    }
    const actual = yTrue[i] === pos;
    const predicted = yPred[i] === pos;
    a.n++;
    if (predicted) a.pp++;
    if (actual) {
      a.p++;
      if (predicted) a.tp++;
    } else {
      a.neg++;
      if (predicted) a.fp++;
    }
    if (actual === predicted) a.ok++;
  }
  return [...acc.entries()]
    .map(([name, a]) => ({
      name,
      rows: a.n,
      positiveRate: a.pp / a.n,
      tpr: a.p ? a.tp / a.p : Number.NaN,
      fpr: a.neg ? a.fp / a.neg : Number.NaN,
      accuracy: a.ok / a.n,
    }))
    .sort((x, y) => y.rows - x.rows || x.name.localeCompare(y.name));
}

/**
 * A numeric attribute with more than 10 distinct values (an age, an income) becomes its quartile
 * bins, named by their ranges; other attributes are used as they are.
 */
function binned(values: ArrayLike<unknown>): ArrayLike<unknown> {
  if (!(values instanceof Float64Array)) return values;
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  if (new Set(sorted).size <= 10) return values;
  const edges = [1, 2, 3].map((q) => sorted[Math.floor((q * sorted.length) / 4)]!);
  const cuts = [...new Set(edges)];
  const bounds = [sorted[0]!, ...cuts, sorted[sorted.length - 1]!];
  const name = (b: number) => `[${bounds[b]}, ${bounds[b + 1]}${b === cuts.length ? ']' : ')'}`;
  return Array.from(values, (v) => {
    if (Number.isNaN(v)) return null;
    let b = 0;
    while (b < cuts.length && v >= cuts[b]!) b++;
    return name(b);
  });
}

/** Largest gap of `metric` between groups, or from the privileged group when there is one. */
function gap(gs: Group[], ref: Group | undefined, metric: (g: Group) => number): number {
  const vals = gs.map(metric).filter((v) => !Number.isNaN(v));
  if (vals.length < 2) return Number.NaN;
  if (ref) {
    const r = metric(ref);
    return Math.max(...vals.map((v) => Math.abs(v - r)));
  }
  return Math.max(...vals) - Math.min(...vals);
}

const round = (v: number) => (Number.isNaN(v) ? null : Math.round(v * 10000) / 10000);

function readLabel(v: unknown): Label {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
    throw new Error(`must be a value (string, number or boolean); got ${JSON.stringify(v)}`);
  return v;
}

/** Bias and fairness across a protected attribute (classifiers). */
export const fairnessCheck: ValidationCheck<FairnessParams> = {
  name: NAME,
  title: 'Bias and fairness',
  description:
    'Compares how the candidate treats the groups of a protected attribute (a test-set column, which need ' +
    'not be a model input): the rate of positive predictions per group (demographic parity difference and ' +
    'the disparate impact ratio, lowest rate over the highest, or over the privileged group), the gap in ' +
    'true positive rates (equal opportunity) and the larger of the TPR and FPR gaps (equalized odds). The ' +
    'value is the disparate impact ratio: it fails below 0.8, the four-fifths rule of US employment law ' +
    'and the usual adverse-impact bar, and warns below 0.9. Multiclass models are judged one-vs-rest on ' +
    'the class named by `positive`.',
  tasks: ['binary', 'multiclass'],
  params: {
    attribute: { help: 'the protected attribute: a column of the test set (required)', default: null },
    privileged: {
      help: 'the privileged group (a value of the attribute); gaps and ratios are taken against it (default: between the extreme groups)',
      default: null,
    },
    positive: {
      help: 'the favourable class (default: the second class of a binary model; required for multiclass)',
      default: null,
    },
    minRows: { help: 'groups with fewer test rows are listed but not compared (default 20)', default: 20 },
    warn: { help: 'warn when the disparate impact ratio is below this (default 0.9)', default: 0.9 },
    fail: {
      help: 'fail when the disparate impact ratio is below this (default 0.8, four-fifths)',
      default: 0.8,
    },
  },
  columns: (p) => [p.attribute],
  parseParams(raw) {
    const p = readParams<FairnessParams>(NAME, this.params, raw, {
      attribute: (v) => {
        if (typeof v !== 'string' || v === '')
          throw new Error(`must be a column name; got ${JSON.stringify(v)}`);
        return v;
      },
      privileged: readLabel,
      positive: readLabel,
      minRows: numberIn(1, 1e9),
      warn: numberIn(0, 1),
      fail: numberIn(0, 1),
    });
    if (p.attribute === null)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check ${NAME}: attribute is required (a column of the test set)`,
        {
          field: `${NAME}.attribute`,
        },
      );
    return p;
  },
  async run(ctx: ValidationContext, params: FairnessParams): Promise<Omit<CheckResult, 'seconds'>> {
    const values = ctx.test.columns[params.attribute];
    if (values === undefined) throw missingColumn(NAME, 'attribute', params.attribute, ctx.test);
    const threshold: Threshold = { bad: 'below', warn: params.warn, fail: params.fail };
    const base = { check: NAME, title: this.title, measure: 'disparate impact ratio', threshold };
    const classes = ctx.classes ?? [];
    let pos: number;
    if (params.positive === null) {
      if (ctx.task !== 'binary')
        return {
          ...base,
          status: 'skip',
          value: null,
          message:
            'A multiclass model needs the parameter positive (the favourable class) to be judged one-vs-rest.',
          tables: [],
          charts: [],
        };
      pos = 1;
    } else {
      pos = classes.findIndex((c) => String(c) === String(params.positive));
      if (pos < 0)
        throw new LatheError(
          'INVALID_ARGUMENT',
          `check ${NAME}: positive ${JSON.stringify(params.positive)} is not a class of the model; its classes are ${classes.join(', ')}`,
          { field: `${NAME}.positive` },
        );
    }
    const all = groups(binned(values), ctx.yTest, ctx.candidate.test.y, pos);
    const compared = all.filter((g) => g.rows >= params.minRows);
    const ref =
      params.privileged === null ? undefined : all.find((g) => g.name === groupName(params.privileged));
    if (params.privileged !== null && !ref)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `check ${NAME}: privileged ${JSON.stringify(params.privileged)} is not a value of ${params.attribute}; its groups are ${all.map((g) => g.name).join(', ')}`,
        { field: `${NAME}.privileged` },
      );
    const posName = String(classes[pos] ?? pos);
    const groupTable = {
      title: `Groups of ${params.attribute} (favourable class ${posName})`,
      columns: ['group', 'rows', 'positive rate', 'TPR', 'FPR', 'accuracy', 'compared'],
      rows: all.map((g) => [
        g.name,
        g.rows,
        round(g.positiveRate),
        round(g.tpr),
        round(g.fpr),
        round(g.accuracy),
        g.rows >= params.minRows,
      ]),
    };
    const chart = {
      kind: 'bar' as const,
      title: `Positive rate per group of ${params.attribute}`,
      xLabel: params.attribute,
      yLabel: `share predicted ${posName}`,
      labels: all.map((g) => g.name),
      series: [{ name: 'positive rate', values: all.map((g) => round(g.positiveRate)) }],
    };
    if (compared.length < 2)
      return {
        ...base,
        status: 'skip',
        value: null,
        message: `${params.attribute} has ${compared.length} group(s) with at least ${params.minRows} test rows; at least two are needed to compare.`,
        tables: [groupTable],
        charts: [chart],
      };
    const rates = compared.map((g) => g.positiveRate);
    const top = ref ? ref.positiveRate : Math.max(...rates);
    const low = Math.min(...rates);
    const others = ref ? compared.filter((g) => g !== ref).map((g) => g.positiveRate) : rates;
    const worst = Math.min(...others);
    const di = top === 0 ? (Math.max(...rates) === 0 ? 1 : 0) : Math.min(1, worst / top);
    const dpd = gap(compared, ref, (g) => g.positiveRate);
    const eod = gap(compared, ref, (g) => g.tpr);
    const eqodds = Math.max(
      eod,
      gap(compared, ref, (g) => g.fpr),
    );
    const status = statusOf(di, threshold);
    const lowGroup = compared.find((g) => g.positiveRate === (ref ? worst : low))!;
    const highGroup = ref ?? compared.find((g) => g.positiveRate === top)!;
    return {
      ...base,
      status,
      value: round(di),
      message:
        `Group ${lowGroup.name} is predicted ${posName} at ${(lowGroup.positiveRate * 100).toFixed(1)}% against ` +
        `${(highGroup.positiveRate * 100).toFixed(1)}% for ${highGroup.name}: disparate impact ratio ${di.toFixed(3)} ` +
        `(${status === 'pass' ? 'at or above' : 'below'} ${status === 'fail' ? params.fail : params.warn}); ` +
        `equal opportunity difference ${Number.isNaN(eod) ? 'n/a' : eod.toFixed(3)}, equalized odds difference ${Number.isNaN(eqodds) ? 'n/a' : eqodds.toFixed(3)}.`,
      tables: [
        {
          title: 'Fairness metrics',
          columns: ['metric', 'value', 'reference'],
          rows: [
            [
              'disparate impact ratio',
              round(di),
              ref ? `vs privileged ${ref.name}` : 'lowest over highest rate',
            ],
            ['demographic parity difference', round(dpd), 'gap in positive rate'],
            ['equal opportunity difference', round(eod), 'gap in true positive rate'],
            ['equalized odds difference', round(eqodds), 'max of TPR and FPR gaps'],
          ],
        },
        groupTable,
      ],
      charts: [
        {
          ...chart,
          marks: [{ name: `${params.fail} × the reference rate`, value: params.fail * top, axis: 'y' }],
        },
      ],
    };
  },
};
