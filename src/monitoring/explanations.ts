/**
 * Explanations in production: SHAP values of a deterministic sample of logged predictions (the
 * values the client logged, else exact TreeSHAP of the Lathe model version that answered), global
 * importance (mean |SHAP|) per window, and how importance moved between two windows.
 */
import { describeValue, LatheError } from '../core/index.js';
import type { FittedRecipe } from '../data/index.js';
import { treeShap } from '../ml/index.js';
import { type ModelService, type Predictor, rowsToBatch } from '../models/index.js';
import { quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { featureColumn, type InferenceStore, shapColumn } from './inference-store.js';
import type { CatalogModel, ModelCatalog } from './model-catalog.js';
import type { FeatureValue, RecordWindow } from './types.js';
import { checkWindow } from './windows.js';

/** Default rows explained per window. */
export const defaultExplainSample = 200;
/** Most rows explained per window. */
export const maxExplainSample = 10_000;

/** The SHAP values of one logged prediction, keyed by raw (logged) feature. */
export interface ShapRow {
  predictionId: string;
  version: string;
  /** `logged`: sent by the client; `tree`: exact TreeSHAP of the Lathe model version. */
  source: 'logged' | 'tree';
  values: Record<string, number>;
  /** TreeSHAP: the expected raw output (margin) the values add up from; null for logged values. */
  base: number | null;
  /** Multiclass TreeSHAP: the class explained (the predicted one); else null. */
  output: string | null;
}

/** Mean |SHAP| of a feature over explained rows (rows without a value for it are left out). */
export interface FeatureImportance {
  feature: string;
  meanAbs: number;
}

/** SHAP values of a sample of a window's predictions and the global importance they give. */
export interface ExplanationSample {
  model: string;
  window: RecordWindow;
  /** `mixed` when some rows use logged values and others TreeSHAP; null when none is explained. */
  method: 'logged' | 'tree' | 'mixed' | null;
  /** Why rows (or all of them) have no explanation; null when every sampled row has one. */
  reason: string | null;
  /** Predictions in the window. */
  rows: number;
  /** Predictions sampled (at most the sample size; ordered by a hash of the prediction ID). */
  sampled: number;
  explained: ShapRow[];
  /** Largest first (ties by name). */
  importance: FeatureImportance[];
}

/** One logged prediction's explanation. */
export interface PredictionExplanation extends Omit<ShapRow, 'source'> {
  model: string;
  method: 'logged' | 'tree' | null;
  reason: string | null;
  /** The features as logged. */
  features: Record<string, FeatureValue>;
}

/** One feature's importance in both windows: mean |SHAP| and its share of the window's total. */
export interface FeatureImportanceDrift {
  feature: string;
  baseline: { meanAbs: number; share: number };
  current: { meanAbs: number; share: number };
  /** current share − baseline share. */
  change: number;
}

/** How global importance moved from `baseline` to `current`, features ranked by |change|. */
export interface ImportanceDrift {
  model: string;
  baseline: Omit<ExplanationSample, 'explained' | 'model'>;
  current: Omit<ExplanationSample, 'explained' | 'model'>;
  /** Largest |change| first (ties by name); empty when either side has no explanations. */
  features: FeatureImportanceDrift[];
}

/**
 * Mean |SHAP| per feature over `rows`, largest first (ties by name); a row without a value for a
 * feature does not count for it.
 */
export function meanAbsImportance(rows: readonly { values: Record<string, number> }[]): FeatureImportance[] {
  const sum = new Map<string, { s: number; n: number }>();
  for (const r of rows)
    for (const [f, v] of Object.entries(r.values)) {
      if (!Number.isFinite(v)) continue;
      const e = sum.get(f) ?? { s: 0, n: 0 };
      e.s += Math.abs(v);
      e.n++;
      sum.set(f, e);
    }
  return [...sum]
    .map(([feature, e]) => ({ feature, meanAbs: e.s / e.n }))
    .sort((a, b) => b.meanAbs - a.meanAbs || a.feature.localeCompare(b.feature));
}

/**
 * Each feature's share of total importance in both windows and its change (current − baseline),
 * over the union of features (absent: 0), ranked by |change| (ties by name).
 */
export function compareImportance(
  baseline: readonly FeatureImportance[],
  current: readonly FeatureImportance[],
): FeatureImportanceDrift[] {
  const shares = (list: readonly FeatureImportance[]) => {
    const total = list.reduce((s, f) => s + f.meanAbs, 0);
    return new Map(
      list.map((f) => [f.feature, { meanAbs: f.meanAbs, share: total > 0 ? f.meanAbs / total : 0 }]),
    );
  };
  const b = shares(baseline);
  const c = shares(current);
  const zero = { meanAbs: 0, share: 0 };
  return [...new Set([...b.keys(), ...c.keys()])]
    .map((feature) => {
      const x = b.get(feature) ?? zero;
      const y = c.get(feature) ?? zero;
      return { feature, baseline: x, current: y, change: y.share - x.share };
    })
    .sort((p, q) => Math.abs(q.change) - Math.abs(p.change) || p.feature.localeCompare(q.feature));
}

/**
 * The raw input each model column comes from: one-hot columns (and their `__unseen__` column) map
 * to the column they encode; every other column to itself.
 */
export function rawFeatures(columns: readonly string[], recipe: FittedRecipe | null | undefined): string[] {
  const source = new Map<string, string>();
  for (const step of recipe?.steps ?? [])
    if (step.kind === 'onehot')
      for (const [c, p] of Object.entries(step.columns))
        for (const n of [...p.names, p.unseen]) source.set(n, c);
  return columns.map((c) => source.get(c) ?? c);
}

/** A sampled prediction: its inputs as logged and the SHAP values logged with it (if any). */
interface SampleRow {
  id: string;
  version: string;
  prediction: string | null;
  features: Record<string, FeatureValue>;
  logged: Record<string, number> | null;
}

type TreeExplainer = { predictor: Predictor; raw: string[]; classes: string[] } | { reason: string };

const NOT_LATHE = 'log SHAP values with the predictions to see explanations';

/** Explanations over an inference store; `models` null means no model is a Lathe model. */
export class Explanations {
  constructor(
    private readonly engine: TableEngine,
    private readonly store: InferenceStore,
    private readonly catalog: ModelCatalog,
    private readonly models: ModelService | null,
  ) {}

  /**
   * SHAP values of at most `sampleSize` (default 200, at most 10,000) of the model's predictions in
   * `window`, picked by a hash of the prediction ID (the same rows every time), with the global
   * importance they give. Logged SHAP values are used where present; other rows get exact TreeSHAP
   * (raw margin space, one-hot columns summed into their feature; multiclass: the predicted class)
   * when their version is a Lathe tree model; `reason` says why rows are left unexplained.
   * @throws LatheError NOT_FOUND for an unknown model; INVALID_ARGUMENT for a bad window or size.
   */
  async explainSample(
    name: string,
    window: RecordWindow = {},
    options: { sampleSize?: number } = {},
  ): Promise<ExplanationSample> {
    const size = options.sampleSize ?? defaultExplainSample;
    if (!Number.isSafeInteger(size) || size < 1 || size > maxExplainSample)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `sampleSize must be an integer from 1 to ${maxExplainSample}; got ${describeValue(options.sampleSize)}`,
      );
    const model = await this.catalog.get(name);
    checkWindow(model, window);
    const { rows, sample } = await this.store.reading(async () => {
      const rel = await this.store.predictions(model, window);
      const [count] = await this.engine.query<{ n: number }>(`select count(*)::bigint as n from ${rel}`);
      const sample = await this.#rows(model, `${rel} order by hash(id), id limit ${size}`);
      return { rows: Number(count?.n ?? 0), sample };
    });
    const { explained, reasons } = await this.#explain(name, sample);
    const sources = new Set(explained.map((r) => r.source));
    return {
      model: name,
      window,
      method: sources.size === 2 ? 'mixed' : (([...sources][0] as 'logged' | 'tree' | undefined) ?? null),
      reason:
        rows === 0 ? `model ${name} has no logged predictions in this window` : reasons.join('; ') || null,
      rows,
      sampled: sample.length,
      explained,
      importance: meanAbsImportance(explained),
    };
  }

  /**
   * One logged prediction's SHAP values (logged, else TreeSHAP with its base value).
   * @throws LatheError NOT_FOUND when no model logged a prediction with this ID.
   */
  async explainPrediction(id: string): Promise<PredictionExplanation> {
    if (typeof id !== 'string' || !id)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `a prediction ID must be a non-empty string; got ${describeValue(id)}`,
      );
    for (const model of await this.catalog.list()) {
      const [row] = await this.store.reading(async () =>
        this.#rows(model, `${await this.store.predictions(model)} where id = ${quoteLiteral(id)} limit 1`),
      );
      if (!row) continue;
      const { explained, reasons } = await this.#explain(model.name, [row]);
      const e = explained[0];
      return {
        predictionId: id,
        model: model.name,
        version: row.version,
        method: e?.source ?? null,
        reason: e ? null : (reasons[0] ?? null),
        values: e?.values ?? {},
        base: e?.base ?? null,
        output: e?.output ?? null,
        features: row.features,
      };
    }
    throw new LatheError('NOT_FOUND', `no logged prediction has the ID ${JSON.stringify(id)}`, {
      predictionId: id,
    });
  }

  /**
   * Global importance (mean |SHAP| over a sample of each window, see {@link explainSample}), each
   * feature's share of its window's total, and the change of share, features ranked by |change|.
   * @throws LatheError NOT_FOUND for an unknown model; INVALID_ARGUMENT for a bad window or size.
   */
  async importanceDrift(
    name: string,
    windows: { baseline: RecordWindow; current: RecordWindow },
    options: { sampleSize?: number } = {},
  ): Promise<ImportanceDrift> {
    const b = await this.explainSample(name, windows.baseline, options);
    const c = await this.explainSample(name, windows.current, options);
    const strip = ({ explained: _e, model: _m, ...rest }: ExplanationSample) => rest;
    return {
      model: name,
      baseline: strip(b),
      current: strip(c),
      features: b.explained.length && c.explained.length ? compareImportance(b.importance, c.importance) : [],
    };
  }

  /** Sample rows of `from` (a relation with an optional tail: order, where, limit). */
  async #rows(model: CatalogModel, from: string): Promise<SampleRow[]> {
    const q = quoteIdentifier;
    const cols = [
      'id',
      'v',
      'p',
      ...model.features.flatMap((f) => [
        `${q(featureColumn(f.name))} as ${q(`f${f.name}`)}`,
        `${q(shapColumn(f.name))} as ${q(`s${f.name}`)}`,
      ]),
    ];
    const rows = await this.engine.query<Record<string, unknown>>(`select ${cols.join(', ')} from ${from}`);
    return rows.map((r) => {
      const features: Record<string, FeatureValue> = {};
      const logged: Record<string, number> = {};
      for (const f of model.features) {
        features[f.name] = (r[`f${f.name}`] as FeatureValue | undefined) ?? null;
        const s = r[`s${f.name}`];
        if (s !== null && s !== undefined && Number.isFinite(Number(s))) logged[f.name] = Number(s);
      }
      return {
        id: String(r['id']),
        version: String(r['v']),
        prediction: r['p'] === null || r['p'] === undefined ? null : String(r['p']),
        features,
        logged: Object.keys(logged).length ? logged : null,
      };
    });
  }

  /** Explains rows: logged values first, else TreeSHAP per version; reasons for the rest. */
  async #explain(
    name: string,
    rows: readonly SampleRow[],
  ): Promise<{ explained: ShapRow[]; reasons: string[] }> {
    const out = new Map<SampleRow, ShapRow>();
    const byVersion = new Map<string, SampleRow[]>();
    for (const r of rows) {
      if (r.logged) {
        out.set(r, {
          predictionId: r.id,
          version: r.version,
          source: 'logged',
          values: r.logged,
          base: null,
          output: null,
        });
        continue;
      }
      const list = byVersion.get(r.version);
      if (list) list.push(r);
      else byVersion.set(r.version, [r]);
    }
    const reasons: string[] = [];
    for (const [version, group] of byVersion) {
      const explainer = await this.#treeExplainer(name, version);
      if ('reason' in explainer) {
        reasons.push(explainer.reason);
        continue;
      }
      try {
        for (const [r, row] of treeRows(explainer, group)) out.set(r, row);
      } catch (err) {
        if (!(err instanceof LatheError)) throw err;
        reasons.push(`the logged features of ${name}@${version} do not fit its inputs: ${err.message}`);
      }
    }
    return { explained: rows.map((r) => out.get(r)).filter((r): r is ShapRow => !!r), reasons };
  }

  /** The predictor of `name@version` when it is a Lathe tree model, else why not. */
  async #treeExplainer(name: string, version: string): Promise<TreeExplainer> {
    const ref = `${name}@${version}`;
    if (!this.models) return { reason: `${ref} is not a Lathe model: ${NOT_LATHE}` };
    let predictor: Predictor;
    try {
      ({ predictor } = await this.models.load(ref));
    } catch (err) {
      const code = (err as LatheError).code;
      if (code === 'NOT_FOUND' || code === 'INVALID_ARGUMENT')
        return { reason: `${ref} is not a Lathe model: ${NOT_LATHE}` };
      throw err;
    }
    const noTrees = { reason: `${ref} is not a tree model (TreeSHAP needs trees): ${NOT_LATHE}` };
    if (!predictor.treeEnsemble || !predictor.treeInputs) return noTrees;
    let cols: number;
    try {
      cols = predictor.treeEnsemble().cols;
    } catch {
      return noTrees;
    }
    const named = predictor.metadata.features?.length === cols ? predictor.metadata.features : null;
    const inputs = predictor.signature.inputs.map((c) => c.name);
    const columns =
      named ?? (inputs.length === cols ? inputs : Array.from({ length: cols }, (_, j) => `f${j}`));
    return {
      predictor,
      raw: rawFeatures(columns, predictor.metadata.recipe),
      classes: (predictor.signature.classes ?? []).map(String),
    };
  }
}

/** TreeSHAP of rows of one version, summed into raw features (pure but for the predictor's encoding). */
function treeRows(
  e: Exclude<TreeExplainer, { reason: string }>,
  rows: readonly SampleRow[],
): [SampleRow, ShapRow][] {
  const ens = e.predictor.treeEnsemble!();
  const data = e.predictor.treeInputs!(rowsToBatch(rows.map((r) => r.features)));
  const shap = treeShap(ens, { data, rows: rows.length, cols: ens.cols });
  const K = shap.outputs;
  const M = shap.cols;
  return rows.map((r, i) => {
    let o = K === 2 ? 1 : 0;
    if (K > 2) {
      o = r.prediction === null ? -1 : e.classes.indexOf(r.prediction);
      if (o < 0 || o >= K) {
        // The class the trees favour: the largest margin.
        let best = -Infinity;
        for (let k = 0; k < K; k++) {
          let m = shap.expected[k]!;
          for (let j = 0; j < M; j++) m += shap.values[(i * K + k) * M + j]!;
          if (m > best) [best, o] = [m, k];
        }
      }
    }
    const values: Record<string, number> = {};
    for (let j = 0; j < M; j++) {
      const f = e.raw[j]!;
      values[f] = (values[f] ?? 0) + shap.values[(i * K + o) * M + j]!;
    }
    return [
      r,
      {
        predictionId: r.id,
        version: r.version,
        source: 'tree',
        values,
        base: shap.expected[o]!,
        output: K > 2 ? (e.classes[o] ?? String(o)) : null,
      },
    ];
  });
}
