// The New training form's state and how it becomes a job spec (train, tune or automl).

export type FormMode = 'train' | 'tune' | 'automl';

/** Every field of the form, as typed (strings until the spec is built). */
export interface TrainingFormState {
  dataset: string;
  version: string;
  target: string;
  model: string;
  features: string;
  drop: string;
  cv: string;
  testSize: string;
  seed: string;
  register: string;
  experiment: string;
  /** Hyperparameters by name, as typed; empty ones are left out. */
  params: Record<string, string>;
  sampler: string;
  trials: string;
  parallel: string;
  metric: string;
  asha: boolean;
  timeoutSeconds: string;
  budgetSeconds: string;
  /** AutoML: the families to try (none: every family that does the task). */
  models: string[];
  ensemble: boolean;
}

export const emptyForm: TrainingFormState = {
  dataset: '',
  version: '',
  target: '',
  model: '',
  features: '',
  drop: '',
  cv: '',
  testSize: '',
  seed: '',
  register: '',
  experiment: '',
  params: {},
  sampler: 'tpe',
  trials: '20',
  parallel: '1',
  metric: '',
  asha: false,
  timeoutSeconds: '',
  budgetSeconds: '60',
  models: [],
  ensemble: true,
};

/**
 * A typed value as JSON would have it: `true`/`false`, `null`, numbers, JSON arrays, objects and
 * quoted strings; anything else is a string. Empty text is undefined (the field is left out).
 */
function parseValue(text: string): unknown {
  const t = text.trim();
  if (!t) return undefined;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  if (/^[[{"]/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t.replace(/^'(.*)'$/, '$1');
}

/** A number field: a number when it reads as one, the text otherwise (the server says what is wrong). */
function num(text: string): unknown {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** `a, b ,c` → `['a', 'b', 'c']`; empty text is undefined. */
export function list(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** Drops the undefined entries (JSON would anyway; this keeps the spec readable in tests). */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The job kind and spec the form posts to POST /api/v1/jobs. */
export function buildSpec(
  mode: FormMode,
  s: TrainingFormState,
): { kind: FormMode; spec: Record<string, unknown> } {
  const data = s.dataset && s.version ? `${s.dataset}@${s.version}` : s.dataset;
  const common = {
    data,
    target: s.target,
    features: list(s.features),
    drop: list(s.drop),
    cv: num(s.cv),
    seed: num(s.seed),
    register: s.register.trim() || undefined,
    experiment: s.experiment.trim() || undefined,
  };
  if (mode === 'automl')
    return {
      kind: mode,
      spec: defined({
        ...common,
        budgetSeconds: num(s.budgetSeconds),
        metric: s.metric.trim() || undefined,
        models: s.models.length ? s.models : undefined,
        ensemble: s.ensemble,
      }),
    };
  const params = defined(Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, parseValue(v)])));
  const train = {
    ...common,
    model: s.model,
    testSize: num(s.testSize),
    // Tuning searches the family's own space; fixed hyperparameters are for single fits.
    params: mode === 'train' && Object.keys(params).length ? params : undefined,
  };
  if (mode === 'train') return { kind: mode, spec: defined(train) };
  return {
    kind: mode,
    spec: defined({
      ...train,
      sampler: s.sampler,
      trials: num(s.trials),
      parallel: num(s.parallel),
      metric: s.metric.trim() || undefined,
      asha: s.asha,
      timeoutSeconds: num(s.timeoutSeconds),
    }),
  };
}
