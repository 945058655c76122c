/**
 * Rollout steps as spec edits: a new traffic split (`lathe deploy traffic NAME v7=90 v8=10`), a
 * promotion (the canary takes all traffic) and a rollback (the revision before). Pure: each answers
 * the spec to apply; applying stores it as a new revision.
 */
import { LatheError } from '../core/index.js';
import { parseModelRef } from '../registry/index.js';
import type { DeploymentSpec, ModelRoute } from './deployment-spec.js';
import type { DeploymentRevision } from './deployments.js';

function bad(message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, { field: 'traffic' });
}

/**
 * The spec with a new traffic split. Keys are a route's model reference (`churn@champion`), a
 * version of the deployment's model (`v7` or `7`: the route that resolves to it, else a new route
 * `MODEL@7`), or any other model reference (a new route). Routes not named leave the split.
 * @param versions the version each reference resolves to now (`{"churn@champion": "churn@7"}`).
 */
export function trafficSpec(
  spec: DeploymentSpec,
  shares: Record<string, number>,
  versions: Record<string, string>,
): DeploymentSpec {
  if (spec.graph) throw bad(`deployment ${spec.name} is a graph; traffic shares apply to a traffic split`);
  const entries = Object.entries(shares);
  if (!entries.length) throw bad('give at least one share, e.g. v7=90 v8=10');
  const model = parseModelRef(spec.models[0]!.model).name;
  const routes: ModelRoute[] = [];
  for (const [key, traffic] of entries) {
    if (typeof traffic !== 'number' || !Number.isFinite(traffic) || traffic < 0 || traffic > 100)
      throw bad(`the share of ${key} must be a percentage from 0 to 100; got ${JSON.stringify(traffic)}`);
    let ref: string;
    const version = /^[vV]?(\d+)$/.exec(key)?.[1];
    if (version !== undefined) {
      const wanted = `${model}@${Number(version)}`;
      ref = spec.models.find((m) => versions[m.model] === wanted || m.model === wanted)?.model ?? wanted;
    } else if (key.includes('@')) {
      parseModelRef(key);
      ref = key;
    } else throw bad(`${key} is not a version (v7) or a model reference (NAME@VERSION|ALIAS)`);
    if (routes.some((r) => r.model === ref)) throw bad(`${key} names ${ref}, named already`);
    routes.push({ model: ref, traffic });
  }
  // Keep the spec's order for routes it had (sticky hash ranges stay put), new ones after.
  const order = (r: ModelRoute) => {
    const i = spec.models.findIndex((m) => m.model === r.model);
    return i < 0 ? spec.models.length : i;
  };
  routes.sort((a, b) => order(a) - order(b));
  return { ...spec, models: routes.filter((r) => r.traffic > 0) };
}

/** The spec with all traffic on the canary: the route with the smallest share (the last of equals). */
export function promoteSpec(spec: DeploymentSpec): DeploymentSpec {
  const live = spec.models.filter((m) => m.traffic > 0);
  if (live.length < 2)
    throw new LatheError(
      'CONFLICT',
      `deployment ${spec.name} has no canary to promote: all traffic goes to ${live[0]?.model ?? 'its graph'}`,
    );
  let canary = live[0]!;
  for (const m of live) if (m.traffic <= canary.traffic) canary = m;
  return { ...spec, models: [{ model: canary.model, traffic: 100 }] };
}

/** The spec of `revision`, or of the one before the current revision. */
export function rollbackTarget(revisions: DeploymentRevision[], revision?: number): DeploymentSpec {
  if (revision !== undefined) {
    const r = revisions.find((x) => x.revision === revision);
    if (!r)
      throw new LatheError(
        'NOT_FOUND',
        `no revision ${revision}; revisions: ${revisions.map((x) => x.revision).join(', ')}`,
      );
    return r.spec;
  }
  const previous = revisions[1];
  if (!previous) throw new LatheError('CONFLICT', 'nothing to roll back to: the deployment has one revision');
  return previous.spec;
}
