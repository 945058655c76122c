/**
 * The `ensemble` family: a weighted average of member models of other families (AutoML's
 * ensemble of its top models). Classifiers average class probabilities (the prediction is the
 * most probable class); regressors average predictions.
 *
 * Every member reads the same feature matrix: an ensemble holds one encoding (the model package
 * has one recipe), so AutoML only puts together members whose families share one encoding plan.
 *
 * Saved form (kind `ensemble`, version 1): `meta` = {task, classes, cols, weights, members:
 * [{kind, version, meta}]}; member i's arrays are stored under `m<i>.<name>`.
 */
import { describeValue } from '../../core/index.js';
import type { FitContext, FittedModel, ModelFamily, Task } from '../family.js';
import { invalid } from '../input-checks.js';
import type { Matrix, SavedModel } from '../matrix.js';
import type { ParamSet } from '../tune/space.js';

/** One member of an ensemble spec: a family name and its hyperparameters. */
export interface EnsembleMemberSpec {
  model: string;
  params: ParamSet;
}

/** At most this many members. */
export const MAX_ENSEMBLE_MEMBERS = 10;

/**
 * Parses the `members` hyperparameter (a JSON list of {model, params}) and `weights` (a JSON list
 * of non-negative numbers, one per member, not all 0; default equal).
 * @throws LatheError INVALID_ARGUMENT naming the parameter, what was expected and what arrived.
 */
export function parseEnsembleParams(params: ParamSet): { members: EnsembleMemberSpec[]; weights: number[] } {
  for (const k of Object.keys(params))
    if (k !== 'members' && k !== 'weights')
      throw invalid(`model ensemble has no hyperparameter ${JSON.stringify(k)}; it has members, weights`, {
        field: k,
      });
  const raw = params['members'];
  let members: unknown;
  try {
    members = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    members = raw;
  }
  if (
    !Array.isArray(members) ||
    members.length < 1 ||
    members.length > MAX_ENSEMBLE_MEMBERS ||
    members.some(
      (m) =>
        typeof m !== 'object' ||
        m === null ||
        typeof m.model !== 'string' ||
        typeof m.params !== 'object' ||
        m.params === null ||
        Array.isArray(m.params),
    )
  )
    throw invalid(
      `members must be a JSON list of 1..${MAX_ENSEMBLE_MEMBERS} {"model": name, "params": {…}}; got ${describeValue(raw)}`,
      { field: 'members' },
    );
  if (members.some((m) => m.model === 'ensemble'))
    throw invalid('members cannot be ensembles themselves', { field: 'members' });
  let weights: number[] = members.map(() => 1);
  if (params['weights'] !== undefined && params['weights'] !== null) {
    let w: unknown;
    try {
      w = typeof params['weights'] === 'string' ? JSON.parse(params['weights']) : params['weights'];
    } catch {
      w = params['weights'];
    }
    if (
      !Array.isArray(w) ||
      w.length !== members.length ||
      w.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0) ||
      !w.some((v) => v > 0)
    )
      throw invalid(
        `weights must be a JSON list of ${members.length} non-negative numbers, not all 0; got ${describeValue(params['weights'])}`,
        { field: 'weights' },
      );
    weights = w as number[];
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return { members: members as EnsembleMemberSpec[], weights: weights.map((v) => v / total) };
}

/** A fitted weighted average of members. */
class EnsembleModel implements FittedModel {
  readonly family = 'ensemble';
  constructor(
    readonly task: Task,
    readonly classes: number,
    readonly cols: number,
    readonly members: FittedModel[],
    readonly weights: number[],
  ) {}

  predictProba?(X: Matrix): Matrix;

  predict(X: Matrix): Float64Array {
    if (this.task === 'regression') {
      const out = new Float64Array(X.rows);
      this.members.forEach((m, i) => {
        const p = m.predict(X);
        const w = this.weights[i]!;
        for (let r = 0; r < X.rows; r++) out[r]! += w * p[r]!;
      });
      return out;
    }
    const p = this.averageProba(X);
    const out = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let best = 0;
      for (let c = 1; c < p.cols; c++) if (p.data[r * p.cols + c]! > p.data[r * p.cols + best]!) best = c;
      out[r] = best;
    }
    return out;
  }

  averageProba(X: Matrix): Matrix {
    const k = this.classes;
    const out = new Float64Array(X.rows * k);
    this.members.forEach((m, i) => {
      const p = m.predictProba!(X);
      const w = this.weights[i]!;
      for (let r = 0; r < X.rows; r++)
        for (let c = 0; c < Math.min(k, p.cols); c++) out[r * k + c]! += w * p.data[r * p.cols + c]!;
    });
    return { data: out, rows: X.rows, cols: k };
  }

  featureImportances(): Float64Array {
    const out = new Float64Array(this.cols);
    this.members.forEach((m, i) => {
      const imp = m.featureImportances?.();
      if (!imp) return;
      let sum = 0;
      for (const v of imp) sum += Math.abs(v);
      if (sum > 0)
        for (let j = 0; j < this.cols; j++) out[j]! += (this.weights[i]! * Math.abs(imp[j] ?? 0)) / sum;
    });
    return out;
  }

  save(): SavedModel {
    const arrays: SavedModel['arrays'] = {};
    const members = this.members.map((m, i) => {
      const s = m.save();
      for (const [name, a] of Object.entries(s.arrays)) arrays[`m${i}.${name}`] = a;
      return { kind: s.kind, version: s.version, family: m.family, meta: s.meta };
    });
    return {
      kind: 'ensemble',
      version: 1,
      meta: { task: this.task, classes: this.classes, cols: this.cols, weights: this.weights, members },
      arrays,
    };
  }
}

function build(task: Task, classes: number, cols: number, members: FittedModel[], weights: number[]) {
  const total = weights.reduce((a, b) => a + b, 0);
  const model = new EnsembleModel(
    task,
    classes,
    cols,
    members,
    weights.map((w) => w / total),
  );
  if (task !== 'regression') model.predictProba = (X) => model.averageProba(X);
  return model;
}

/**
 * The ensemble family. `resolve` finds a member family by name and `loadMember` loads a member's
 * SavedModel (the registry passes its own lookups, so this module does not import it).
 */
export function ensembleFamily(
  resolve: (name: string) => ModelFamily,
  loadMember: (saved: SavedModel) => FittedModel,
): ModelFamily {
  const family: ModelFamily = {
    name: 'ensemble',
    summary: 'Weighted average of member models (probabilities or predictions); built by AutoML',
    tasks: ['binary', 'multiclass', 'regression'],
    params: {
      members: `JSON list of 1..${MAX_ENSEMBLE_MEMBERS} members {"model": family, "params": {…}}, all fitted on the same features (required)`,
      weights: 'JSON list of non-negative weights, one per member (default equal)',
    },
    space: {},
    cheapStart: {
      members: JSON.stringify([
        { model: 'decision-tree', params: { maxDepth: 6 } },
        { model: 'decision-tree', params: { maxDepth: 4, minSamplesLeaf: 2 } },
      ]),
    },
    preprocess: { scale: false, missing: 'impute', categorical: 'ordinal' },
    kinds: ['ensemble'],
    fit(X: Matrix, y: Float64Array, params: ParamSet, context: FitContext): FittedModel {
      const { members, weights } = parseEnsembleParams(params);
      const families = members.map((m) => resolve(m.model));
      for (const f of families)
        if (!f.tasks.includes(context.task))
          throw invalid(`member ${f.name} does not do ${context.task}; it does ${f.tasks.join(', ')}`, {
            field: 'members',
          });
      const fitted: FittedModel[] = [];
      for (let i = 0; i < members.length; i++) {
        if (i > 0 && context.shouldStop?.()) break;
        const { onProgress: _ignored, ...rest } = context;
        fitted.push(families[i]!.fit(X, y, members[i]!.params, rest));
        context.onProgress?.({ iteration: i + 1, total: members.length });
      }
      return build(context.task, context.classes, X.cols, fitted, weights.slice(0, fitted.length));
    },
    load(saved: SavedModel): FittedModel {
      if (saved.kind !== 'ensemble' || saved.version !== 1)
        throw invalid(`ensemble reads saved kind ensemble version 1; got ${saved.kind} ${saved.version}`, {
          field: 'kind',
        });
      const meta = saved.meta as {
        task: Task;
        classes: number;
        cols: number;
        weights: number[];
        members: { kind: string; version: number; meta: Record<string, unknown> }[];
      };
      const members = meta.members.map((m, i) => {
        const prefix = `m${i}.`;
        const arrays: SavedModel['arrays'] = {};
        for (const [name, a] of Object.entries(saved.arrays))
          if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = a;
        return loadMember({ kind: m.kind, version: m.version, meta: m.meta, arrays });
      });
      return build(meta.task, meta.classes, meta.cols, members, meta.weights);
    },
  };
  return family;
}
