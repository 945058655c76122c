/**
 * Monitor specs: a declarative check on a monitored model (a performance metric, drift, data
 * quality or volume over a window, against thresholds), as written in YAML or JSON. Specs are
 * checked whole before anything is stored: every error names the field, what was expected and
 * what arrived.
 */
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describeValue, LatheError } from '../../core/index.js';
import { parseDuration } from '../windows.js';
import { environmentPattern } from '../types.js';

/** What a monitor watches. */
export const monitorKinds = ['performance', 'drift', 'quality', 'volume'] as const;
export type MonitorKind = (typeof monitorKinds)[number];

/** The metrics of each kind. */
export const monitorMetrics = {
  performance: [
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'roc_auc',
    'log_loss',
    'rmse',
    'mae',
    'mape',
    'r2',
  ],
  drift: ['drift_share', 'prediction_psi', 'psi', 'ks', 'jensen_shannon', 'wasserstein', 'chi_square'],
  quality: ['missing_rate', 'type_violation_rate', 'out_of_range_rate', 'new_category_rate'],
  volume: ['count'],
} as const satisfies Record<MonitorKind, readonly string[]>;
export type MonitorMetric = (typeof monitorMetrics)[MonitorKind][number];

/** Drift statistics of one feature: these need `feature`. */
export const featureDriftMetrics: readonly MonitorMetric[] = [
  'psi',
  'ks',
  'jensen_shannon',
  'wasserstein',
  'chi_square',
];

/** Metrics where lower is worse (the default direction `below`); every other metric defaults to `above`. */
export const higherIsBetter: readonly MonitorMetric[] = [
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'r2',
  'count',
];

/** Metrics bounded to [0, 1]: a threshold outside is a mistake (80 meant as 0.8). */
const unitMetrics: readonly MonitorMetric[] = [
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'drift_share',
  'ks',
  'jensen_shannon',
  'missing_rate',
  'type_violation_rate',
  'out_of_range_rate',
  'new_category_rate',
];

/** What the current window is compared with: another environment, or the window just before. */
export type MonitorBaseline = { environment: string } | { window: string };

/** A checked monitor spec with every default filled. Durations are kept as written (`1d`). */
export interface MonitorSpec {
  name: string;
  /** The monitored model's name. */
  model: string;
  kind: MonitorKind;
  metric: MonitorMetric;
  /** The feature a per-feature drift or quality metric is about; null for all features. */
  feature: string | null;
  /** The current window's length, ending at evaluation time (`30m`, `1h`, `7d`). */
  window: string;
  /** Drift: defaults to `{ environment: 'training' }`; null for other kinds when not given. */
  baseline: MonitorBaseline | null;
  /** The current window's environment (default `production`). */
  environment: string;
  /** Equality filters on tags or features (`{ region: 'eu' }`); empty for all rows. */
  where: Record<string, string | number | boolean>;
  warning: number | null;
  critical: number;
  /** `below`: the monitor fires when the value drops under the threshold; `above`: when it exceeds it. */
  direction: 'below' | 'above';
  /** Fewer rows than this give state `no_data` (default 100; 0 for volume). */
  minSamples: number;
  /** How often the scheduler evaluates it (default `15m`). */
  every: string;
  /** A deployment to mark degraded while the monitor fires; null for none. */
  degrade: string | null;
}

const FIELDS = [
  'name',
  'model',
  'kind',
  'metric',
  'feature',
  'window',
  'baseline',
  'environment',
  'where',
  'warning',
  'critical',
  'direction',
  'minSamples',
  'every',
  'degrade',
] as const;
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field} ${message}`, { field });
}

function text(v: unknown, field: string, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) throw bad(field, `must be ${what}; got ${describeValue(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, field: string, valid: readonly T[]): T {
  if (!(valid as readonly unknown[]).includes(v))
    throw bad(field, `must be one of ${valid.join(', ')}; got ${describeValue(v)}`);
  return v as T;
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad(field, `must be an object; got ${describeValue(v)}`);
  return v as Record<string, unknown>;
}

function threshold(v: unknown, field: string, metric: MonitorMetric): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(field, `must be a number (the ${metric} threshold); got ${describeValue(v)}`);
  if (unitMetrics.includes(metric) && (v < 0 || v > 1))
    throw bad(field, `must be from 0 to 1 for ${metric} (a share, not a percentage); got ${v}`);
  if (metric !== 'r2' && v < 0) throw bad(field, `must not be negative for ${metric}; got ${v}`);
  return v;
}

function baselineOf(v: unknown): MonitorBaseline {
  const o = object(v, 'baseline');
  const keys = Object.keys(o);
  if (keys.length !== 1 || (keys[0] !== 'environment' && keys[0] !== 'window'))
    throw bad(
      'baseline',
      `must be { environment: NAME } (e.g. training) or { window: DURATION } (the window just before the current one); got the fields ${keys.join(', ') || 'none'}`,
    );
  if (keys[0] === 'window') {
    parseDuration(o.window, 'baseline.window');
    return { window: String(o.window).trim() };
  }
  return {
    environment: text(
      o.environment,
      'baseline.environment',
      environmentPattern,
      'an environment name (training, production, …)',
    ),
  };
}

/**
 * Checks a monitor spec (an object from YAML or JSON) and fills its defaults.
 * @throws LatheError INVALID_ARGUMENT naming the first bad field: what was expected, what arrived.
 */
export function parseMonitorSpec(value: unknown): MonitorSpec {
  const o = object(value, 'monitor');
  const unknown = Object.keys(o).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw bad(unknown, `is not a monitor field; valid fields: ${FIELDS.join(', ')}`);
  const name = text(
    o.name,
    'name',
    NAME,
    '1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit',
  );
  if (typeof o.model !== 'string' || !o.model.trim() || o.model.length > 256)
    throw bad('model', `must be the name of a monitored model; got ${describeValue(o.model)}`);
  const kind = oneOf(o.kind, 'kind', monitorKinds);
  const metrics: readonly MonitorMetric[] = monitorMetrics[kind];
  const metric = o.metric === undefined && kind === 'volume' ? 'count' : oneOf(o.metric, 'metric', metrics);
  let feature: string | null = null;
  if (o.feature !== undefined && o.feature !== null) {
    if (typeof o.feature !== 'string' || !o.feature || o.feature.length > 256)
      throw bad('feature', `must be a feature name; got ${describeValue(o.feature)}`);
    if (!featureDriftMetrics.includes(metric) && kind !== 'quality')
      throw bad(
        'feature',
        `applies to ${featureDriftMetrics.join(', ')} and quality metrics, not to ${metric}; remove it`,
      );
    feature = o.feature;
  } else if (featureDriftMetrics.includes(metric))
    throw bad('feature', `is required for ${metric}: the feature whose drift is measured`);
  parseDuration(o.window, 'window');
  const window = String(o.window).trim();
  const baseline =
    o.baseline === undefined || o.baseline === null
      ? kind === 'drift'
        ? { environment: 'training' }
        : null
      : baselineOf(o.baseline);
  const environment =
    o.environment === undefined
      ? 'production'
      : text(o.environment, 'environment', environmentPattern, 'an environment name (production, …)');
  const where: Record<string, string | number | boolean> = {};
  if (o.where !== undefined && o.where !== null)
    for (const [k, v] of Object.entries(object(o.where, 'where'))) {
      if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v)))
        throw bad(
          `where.${k}`,
          `must be a string, number or boolean to compare with; got ${describeValue(v)}`,
        );
      where[k] = v;
    }
  if (o.critical === undefined)
    throw bad('critical', `is required: the ${metric} value at which the monitor fires`);
  const critical = threshold(o.critical, 'critical', metric);
  const warning =
    o.warning === undefined || o.warning === null ? null : threshold(o.warning, 'warning', metric);
  const direction =
    o.direction === undefined
      ? higherIsBetter.includes(metric)
        ? 'below'
        : 'above'
      : oneOf(o.direction, 'direction', ['below', 'above'] as const);
  if (warning !== null && (direction === 'below' ? warning <= critical : warning >= critical))
    throw bad(
      'warning',
      `must be ${direction === 'below' ? 'above' : 'below'} critical ${critical} with direction ${direction} (it is reached first); got ${warning}`,
    );
  let minSamples = kind === 'volume' ? 0 : 100;
  if (o.minSamples !== undefined) {
    if (typeof o.minSamples !== 'number' || !Number.isInteger(o.minSamples) || o.minSamples < 0)
      throw bad(
        'minSamples',
        `must be a whole number of rows, 0 or more; got ${describeValue(o.minSamples)}`,
      );
    minSamples = o.minSamples;
  }
  let every = '15m';
  if (o.every !== undefined) {
    if (parseDuration(o.every, 'every') < 60_000)
      throw bad('every', `must be at least 1m; got ${describeValue(o.every)}`);
    every = String(o.every).trim();
  }
  const degrade =
    o.degrade === undefined || o.degrade === null
      ? null
      : text(o.degrade, 'degrade', NAME, 'the name of a deployment to mark degraded while firing');
  return {
    name,
    model: o.model,
    kind,
    metric,
    feature,
    window,
    baseline,
    environment,
    where,
    warning,
    critical,
    direction,
    minSamples,
    every,
    degrade,
  };
}

/**
 * Checks a list of specs: one spec, a list, or `{ monitors: [...] }` (or YAML/JSON text holding
 * one of these, several YAML documents allowed). All are checked before any is returned; names
 * must be unique.
 * @throws LatheError INVALID_ARGUMENT naming the entry (`monitors[2]`) and its bad field.
 */
export function parseMonitorList(value: unknown): MonitorSpec[] {
  const raw = typeof value === 'string' ? parseText(value) : value;
  let entries: unknown[];
  if (Array.isArray(raw)) entries = raw;
  else if (typeof raw === 'object' && raw !== null && 'monitors' in raw) {
    const o = raw as Record<string, unknown>;
    const other = Object.keys(o).find((k) => k !== 'monitors');
    if (other !== undefined)
      throw bad(other, 'is not allowed beside monitors: a monitors file holds { monitors: [...] } only');
    if (!Array.isArray(o.monitors)) throw bad('monitors', `must be a list; got ${describeValue(o.monitors)}`);
    entries = o.monitors;
  } else entries = [raw];
  if (entries.length === 0) throw bad('monitors', 'must hold at least one monitor; got an empty list');
  if (entries.length > 1000) throw bad('monitors', `must hold at most 1,000 monitors; got ${entries.length}`);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    let spec: MonitorSpec;
    try {
      spec = parseMonitorSpec(entry);
    } catch (err) {
      if (entries.length === 1 || !(err instanceof LatheError)) throw err;
      const field = String(err.details?.field ?? '');
      const label =
        typeof (entry as { name?: unknown })?.name === 'string'
          ? ` (${(entry as { name: string }).name})`
          : '';
      throw new LatheError('INVALID_ARGUMENT', `monitors[${i}]${label}: ${err.message}`, {
        field: `monitors[${i}].${field}`,
      });
    }
    if (seen.has(spec.name))
      throw bad(`monitors[${i}].name`, `repeats ${JSON.stringify(spec.name)}: names must be unique`);
    seen.add(spec.name);
    return spec;
  });
}

function parseText(text: string): unknown {
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return parseYaml(text);
    const values: unknown[] = [];
    for (const doc of docs) {
      if (doc.errors.length) throw doc.errors[0];
      const v = doc.toJS();
      if (v === null || v === undefined) continue;
      values.push(v);
    }
    if (values.length <= 1) return values[0] ?? null;
    return values.flatMap((v) =>
      Array.isArray(v)
        ? v
        : typeof v === 'object' && v !== null && 'monitors' in v
          ? (v as { monitors: unknown }).monitors
          : [v],
    );
  } catch (err) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `the monitors file is not valid YAML or JSON: ${(err as Error).message}`,
    );
  }
}

/**
 * Parses a YAML (or JSON) file holding one monitor spec, a list, or `{ monitors: [...] }`; several
 * `---` documents are joined.
 * @throws LatheError INVALID_ARGUMENT for bad YAML or the first bad spec.
 */
export function parseMonitorFile(text: string): MonitorSpec[] {
  return parseMonitorList(String(text));
}
