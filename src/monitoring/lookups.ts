/**
 * Reading one model's state (records per environment and version, ground-truth coverage,
 * counters) and one logged prediction by ID.
 */
import { sql } from 'kysely';
import { LatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { featureColumn, type InferenceStore, shapColumn, tagColumn } from './inference-store.js';
import type { ModelCatalog } from './model-catalog.js';
import type { PredictionRecord } from './types.js';

/** What the lookups read. */
export interface LookupDeps {
  meta: MetaStore;
  engine: TableEngine;
  store: InferenceStore;
  catalog: ModelCatalog;
  now: () => number;
}

/** A logged prediction found by ID, with its actual. */
export interface PredictionLookup extends PredictionRecord {
  actual: string | null;
  actualTimestamp: number | null;
}

const isoOrNull = (ms: unknown) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

/** A model's records at a glance: per environment and version, ground-truth coverage, counters. */
export async function modelStatus(deps: LookupDeps, name: string) {
  const model = await deps.catalog.get(name);
  const now = deps.now();
  return deps.store.reading(async () => {
    const joined = await deps.store.joined(model);
    const rows = await deps.engine.query<{
      env: string;
      v: string;
      n: number;
      l: number;
      lo: number;
      hi: number;
      d: number;
    }>(
      `select env, v, count(*)::bigint as n, count(actual)::bigint as l, min(ts) as lo, max(ts) as hi,
         count(*) filter (where ts >= ${now - 86_400_000})::bigint as d
       from ${joined} group by env, v order by env, v`,
    );
    const counters = await deps.meta.db
      .selectFrom('monitoring_counters')
      .select(['counter', sql<number>`sum(n)`.as('n')])
      .where('model', '=', name)
      .groupBy('counter')
      .execute();
    const envs = [...new Set(rows.map((r) => r.env))].map((env) => {
      const of = rows.filter((r) => r.env === env);
      const n = of.reduce((s, r) => s + Number(r.n), 0);
      const l = of.reduce((s, r) => s + Number(r.l), 0);
      return {
        environment: env,
        rows: n,
        labeled: l,
        coverage: n ? l / n : 0,
        last24h: of.reduce((s, r) => s + Number(r.d), 0),
        first: isoOrNull(Math.min(...of.map((r) => Number(r.lo)))),
        last: isoOrNull(Math.max(...of.map((r) => Number(r.hi)))),
        versions: of.map((r) => ({ version: r.v, rows: Number(r.n), labeled: Number(r.l) })),
      };
    });
    return {
      model: { ...model, createdAt: new Date(model.createdAt).toISOString() },
      environments: envs,
      counters: Object.fromEntries(counters.map((c) => [c.counter, Number(c.n)])),
    };
  });
}

/**
 * A logged prediction by ID with its latest actual, or null.
 * @throws LatheError NOT_FOUND when no model logged it.
 */
export async function findPrediction(deps: LookupDeps, id: string): Promise<PredictionLookup> {
  for (const model of await deps.catalog.list()) {
    const found = await deps.store.reading(async () => {
      const rel = await deps.store.joined(model);
      const [row] = await deps.engine.query<Record<string, unknown>>(
        `select * from ${rel} where id = ${quoteLiteral(id)} limit 1`,
      );
      return row;
    });
    if (!found) continue;
    const pick = (col: string) => found[col];
    const features = Object.fromEntries(
      model.features.map((f) => [f.name, pick(featureColumn(f.name)) ?? null]),
    );
    const tags = Object.fromEntries(
      model.tags
        .filter((t) => pick(tagColumn(t)) !== null && pick(tagColumn(t)) !== undefined)
        .map((t) => [t, String(pick(tagColumn(t)))]),
    );
    const shapEntries = model.features
      .map((f) => [f.name, pick(shapColumn(f.name))] as const)
      .filter((e): e is readonly [string, number] => typeof e[1] === 'number');
    const proba = pick('pr') as (number | null)[] | null;
    return {
      predictionId: id,
      timestamp: Number(pick('ts')),
      model: model.name,
      modelVersion: String(pick('v')),
      environment: String(pick('env')),
      endpoint: (pick('ep') as string | null) ?? null,
      features: features as PredictionRecord['features'],
      prediction: model.task === 'regression' ? Number(pick('pn')) : String(pick('p')),
      probabilities: proba
        ? Object.fromEntries(
            model.classes
              .map((c, i): [string, number] => [c, Number(proba[i] ?? Number.NaN)])
              .filter(([, p]) => Number.isFinite(p)),
          )
        : null,
      latencyMs: (pick('lat') as number | null) ?? null,
      tags,
      shap: shapEntries.length ? Object.fromEntries(shapEntries) : null,
      actual: (pick('actual') as string | null) ?? null,
      actualTimestamp:
        pick('actual_ts') === null || pick('actual_ts') === undefined ? null : Number(pick('actual_ts')),
    };
  }
  throw new LatheError('NOT_FOUND', `no logged prediction has the ID ${JSON.stringify(id)}`, {
    predictionId: id,
  });
}
