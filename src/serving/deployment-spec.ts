/**
 * A deployment spec: a named endpoint, the models behind it and how requests reach them — a
 * traffic split (canary, optionally sticky by a request field), shadow models, a graph (sequence,
 * parallel with a combiner, switch on request fields), a fallback and a latency budget, micro-batching
 * and inference logging. Specs arrive as YAML or JSON (a file applied from the CLI, the API) and
 * are checked whole before anything is stored: every error names the field, what was expected and
 * what arrived.
 */
import { parse as parseYaml } from 'yaml';
import { describeValue, LatheError } from '../core/index.js';
import { parseModelRef } from '../registry/index.js';

/** One model of a traffic split. */
export interface ModelRoute {
  /** `NAME@VERSION`, `NAME@ALIAS` or `NAME@latest`; an alias is followed as it moves. */
  model: string;
  /** Percentage of requests (the routes' shares sum to 100). */
  traffic: number;
}

/** A model that sees a copy of the traffic; its predictions are logged and compared, never returned. */
export interface ShadowRoute {
  model: string;
  /** Percentage of requests mirrored to it (default 100). */
  traffic: number;
}

/** A condition over request fields (switch graphs): one comparison, or all/any of several. */
export type Condition =
  | { field: string; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; value: string | number | boolean }
  | { field: string; op: 'in'; value: (string | number | boolean)[] }
  | { all: Condition[] }
  | { any: Condition[] };

/** Combiners of a parallel graph. */
export const COMBINERS = ['average', 'weighted_average', 'vote', 'stacking'] as const;
export type Combiner = (typeof COMBINERS)[number];

/** A graph of models instead of a traffic split. */
export type GraphSpec =
  | {
      kind: 'sequence';
      /** Each step's prediction is added to the rows as column `output` for the next step. */
      steps: { model: string; output: string }[];
    }
  | {
      kind: 'parallel';
      members: { model: string; weight: number; name: string }[];
      combiner: Combiner;
      /** `stacking`: the model fed one column per member (named by `name`) holding its score. */
      stacker?: string;
    }
  | {
      kind: 'switch';
      cases: { when: Condition; model: string }[];
      default: string;
    };

/** A checked deployment spec with every default filled. */
export interface DeploymentSpec {
  name: string;
  description: string;
  /** The traffic split (empty when `graph` is given). */
  models: ModelRoute[];
  /** A request field whose value pins a caller to one route (hash), or null. */
  sticky: string | null;
  shadow: ShadowRoute[];
  graph: GraphSpec | null;
  /** Answers when the primary errors, is too slow or is marked degraded; null for none. */
  fallback: string | null;
  /** Milliseconds a request may wait for the primary before the fallback answers; null for no budget. */
  latencyBudgetMs: number | null;
  batching: { maxBatchSize: number; maxWaitMs: number };
  logging: { enabled: boolean; capacity: number; policy: 'drop' | 'block' };
  /** Read numeric strings ("3.5") in numeric columns as numbers. */
  numericStrings: boolean;
  /** Serve versions whose registry gate has not passed (recorded in the audit log). */
  allowUngated: boolean;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const TOP = [
  'name',
  'description',
  'models',
  'sticky',
  'shadow',
  'graph',
  'fallback',
  'latencyBudgetMs',
  'batching',
  'logging',
  'numericStrings',
  'allowUngated',
];

function bad(field: string, message: string): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${field} ${message}`, { field });
}

function object(v: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad(field, `must be an object; got ${describeValue(v)}`);
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !keys.includes(k));
  if (unknown !== undefined)
    throw bad(`${field}.${unknown}`, `is not a known field; valid fields: ${keys.join(', ')}`);
  return o;
}

function list(v: unknown, field: string, min = 0, max = 64): unknown[] {
  if (!Array.isArray(v)) throw bad(field, `must be a list; got ${describeValue(v)}`);
  if (v.length < min || v.length > max)
    throw bad(field, `must hold ${min === max ? min : `${min} to ${max}`} entries; got ${v.length}`);
  return v;
}

/** A model reference, checked for shape (`NAME@VERSION|ALIAS|latest`). */
export function modelRefField(v: unknown, field: string): string {
  if (typeof v !== 'string' || !v)
    throw bad(field, `must be a model reference NAME@VERSION|ALIAS|latest; got ${describeValue(v)}`);
  try {
    parseModelRef(v);
  } catch (err) {
    throw bad(field, (err as Error).message.replace(/^Invalid/, 'is an invalid'));
  }
  return v;
}

function share(v: unknown, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
    throw bad(field, `must be a percentage from 0 to 100; got ${describeValue(v)}`);
  return v;
}

function int(v: unknown, field: string, lo: number, hi: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw bad(field, `must be an integer from ${lo} to ${hi}; got ${describeValue(v)}`);
  return v;
}

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw bad(field, `must be true or false; got ${describeValue(v)}`);
  return v;
}

function fieldName(v: unknown, field: string): string {
  if (typeof v !== 'string' || !FIELD.test(v))
    throw bad(field, `must be a request field name (letters, digits, _ . -); got ${describeValue(v)}`);
  return v;
}

/** A model reference or `{model: ref}` (lists accept both). */
function refEntry(v: unknown, field: string): string {
  return typeof v === 'string'
    ? modelRefField(v, field)
    : modelRefField(object(v, field, ['model']).model, `${field}.model`);
}

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'];

function condition(v: unknown, field: string, depth = 0): Condition {
  if (depth > 8) throw bad(field, 'nests conditions more than 8 deep');
  const o = object(v, field, ['field', 'op', 'value', 'all', 'any']);
  for (const group of ['all', 'any'] as const)
    if (o[group] !== undefined) {
      if (Object.keys(o).length !== 1) throw bad(field, `holds ${group} and other fields; use one`);
      const items = list(o[group], `${field}.${group}`, 1, 32).map((c, i) =>
        condition(c, `${field}.${group}[${i}]`, depth + 1),
      );
      return group === 'all' ? { all: items } : { any: items };
    }
  const f = fieldName(o.field, `${field}.field`);
  const op = o.op ?? 'eq';
  if (typeof op !== 'string' || !OPS.includes(op))
    throw bad(`${field}.op`, `must be one of ${OPS.join(', ')}; got ${describeValue(op)}`);
  const scalar = (x: unknown, where: string) => {
    if (typeof x !== 'string' && typeof x !== 'boolean' && (typeof x !== 'number' || !Number.isFinite(x)))
      throw bad(where, `must be a string, number or boolean; got ${describeValue(x)}`);
    return x;
  };
  if (op === 'in')
    return {
      field: f,
      op,
      value: list(o.value, `${field}.value`, 1, 1000).map((x, i) => scalar(x, `${field}.value[${i}]`)),
    };
  const value = scalar(o.value, `${field}.value`);
  if ((op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') && typeof value !== 'number')
    throw bad(`${field}.value`, `must be a number for ${op}; got ${describeValue(value)}`);
  return { field: f, op: op as 'eq', value };
}

function graph(v: unknown): GraphSpec {
  const kind = (v as { kind?: unknown } | null)?.kind;
  if (kind === 'sequence') {
    const o = object(v, 'graph', ['kind', 'steps']);
    const steps = list(o.steps, 'graph.steps', 2, 16).map((s, i) => {
      const at = `graph.steps[${i}]`;
      if (typeof s === 'string') return { model: modelRefField(s, at), output: 'prediction' };
      const e = object(s, at, ['model', 'output']);
      return {
        model: modelRefField(e.model, `${at}.model`),
        output: e.output === undefined ? 'prediction' : fieldName(e.output, `${at}.output`),
      };
    });
    return { kind, steps };
  }
  if (kind === 'parallel') {
    const o = object(v, 'graph', ['kind', 'members', 'combiner', 'stacker']);
    const members = list(o.members, 'graph.members', 2, 16).map((m, i) => {
      const at = `graph.members[${i}]`;
      if (typeof m === 'string') return { model: modelRefField(m, at), weight: 1, name: `m${i}` };
      const e = object(m, at, ['model', 'weight', 'name']);
      const weight = e.weight === undefined ? 1 : e.weight;
      if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight))
        throw bad(`${at}.weight`, `must be a positive number; got ${describeValue(weight)}`);
      return {
        model: modelRefField(e.model, `${at}.model`),
        weight,
        name: e.name === undefined ? `m${i}` : fieldName(e.name, `${at}.name`),
      };
    });
    const names = new Set(members.map((m) => m.name));
    if (names.size !== members.length) throw bad('graph.members', 'must have distinct names');
    const combiner = o.combiner ?? 'average';
    if (!COMBINERS.includes(combiner as Combiner))
      throw bad('graph.combiner', `must be one of ${COMBINERS.join(', ')}; got ${describeValue(combiner)}`);
    if (combiner === 'stacking' && o.stacker === undefined)
      throw bad('graph.stacker', 'is needed by the stacking combiner: the model that combines the members');
    if (combiner !== 'stacking' && o.stacker !== undefined)
      throw bad('graph.stacker', `is only read by the stacking combiner; the combiner is ${combiner}`);
    return {
      kind,
      members,
      combiner: combiner as Combiner,
      ...(o.stacker !== undefined ? { stacker: modelRefField(o.stacker, 'graph.stacker') } : {}),
    };
  }
  if (kind === 'switch') {
    const o = object(v, 'graph', ['kind', 'cases', 'default']);
    const cases = list(o.cases, 'graph.cases', 1, 32).map((c, i) => {
      const e = object(c, `graph.cases[${i}]`, ['when', 'model']);
      return {
        when: condition(e.when, `graph.cases[${i}].when`),
        model: modelRefField(e.model, `graph.cases[${i}].model`),
      };
    });
    return { kind, cases, default: refEntry(o.default, 'graph.default') };
  }
  throw bad('graph.kind', `must be sequence, parallel or switch; got ${describeValue(kind)}`);
}

/**
 * A spec as a value: YAML/JSON text parsed, anything else as it is.
 * @throws LatheError INVALID_ARGUMENT for text that is not YAML or JSON.
 */
export function specValue(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return parseYaml(raw);
  } catch (err) {
    throw new LatheError(
      'INVALID_ARGUMENT',
      `the deployment spec is not valid YAML or JSON: ${(err as Error).message}`,
    );
  }
}

/**
 * Checks a deployment spec (an object, or YAML/JSON text) and fills its defaults.
 * @throws LatheError INVALID_ARGUMENT naming the first bad field: what was expected, what arrived.
 */
export function parseDeploymentSpec(raw: unknown): DeploymentSpec {
  const o = object(specValue(raw), 'spec', TOP);
  if (typeof o.name !== 'string' || !NAME.test(o.name))
    throw bad(
      'name',
      `must be 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit; got ${describeValue(o.name)}`,
    );
  if (o.description !== undefined && (typeof o.description !== 'string' || o.description.length > 5000))
    throw bad('description', `must be text up to 5,000 characters; got ${describeValue(o.description)}`);
  const g = o.graph === undefined || o.graph === null ? null : graph(o.graph);
  let models: ModelRoute[] = [];
  if (g) {
    if (o.models !== undefined && !(Array.isArray(o.models) && o.models.length === 0))
      throw bad('models', 'cannot be given with graph: a graph names its own models');
    if (o.sticky !== undefined && o.sticky !== null)
      throw bad('sticky', 'applies to a traffic split, not to a graph');
  } else {
    const entries = list(o.models, 'models', 1, 16);
    models = entries.map((m, i) => {
      const at = `models[${i}]`;
      if (typeof m === 'string')
        return { model: modelRefField(m, at), traffic: entries.length === 1 ? 100 : Number.NaN };
      const e = object(m, at, ['model', 'traffic']);
      return {
        model: modelRefField(e.model, `${at}.model`),
        traffic: share(e.traffic, `${at}.traffic`, entries.length === 1 ? 100 : Number.NaN),
      };
    });
    const missing = models.findIndex((m) => Number.isNaN(m.traffic));
    if (missing >= 0)
      throw bad(
        `models[${missing}].traffic`,
        'is needed when there are several models (percentages summing to 100)',
      );
    const total = models.reduce((s, m) => s + m.traffic, 0);
    if (Math.abs(total - 100) > 1e-9)
      throw bad(
        'models',
        `traffic must sum to 100; got ${models.map((m) => `${m.model}=${m.traffic}`).join(' + ')} = ${total}`,
      );
    const refs = new Set(models.map((m) => m.model));
    if (refs.size !== models.length) throw bad('models', 'must name each model reference once');
  }
  const shadow =
    o.shadow === undefined
      ? []
      : list(o.shadow, 'shadow', 0, 8).map((s, i) => {
          const at = `shadow[${i}]`;
          if (typeof s === 'string') return { model: modelRefField(s, at), traffic: 100 };
          const e = object(s, at, ['model', 'traffic']);
          return {
            model: modelRefField(e.model, `${at}.model`),
            traffic: share(e.traffic, `${at}.traffic`, 100),
          };
        });
  const batching = object(o.batching ?? {}, 'batching', ['maxBatchSize', 'maxWaitMs']);
  const logging = object(o.logging ?? {}, 'logging', ['enabled', 'capacity', 'policy']);
  const policy = logging.policy ?? 'drop';
  if (policy !== 'drop' && policy !== 'block')
    throw bad('logging.policy', `must be drop or block; got ${describeValue(policy)}`);
  let budget: number | null = null;
  if (o.latencyBudgetMs !== undefined && o.latencyBudgetMs !== null) {
    if (typeof o.latencyBudgetMs !== 'number' || !(o.latencyBudgetMs > 0) || o.latencyBudgetMs > 600_000)
      throw bad(
        'latencyBudgetMs',
        `must be milliseconds above 0 and at most 600000; got ${describeValue(o.latencyBudgetMs)}`,
      );
    budget = o.latencyBudgetMs;
  }
  const fallback = o.fallback === undefined || o.fallback === null ? null : refEntry(o.fallback, 'fallback');
  if (budget !== null && fallback === null)
    throw bad('latencyBudgetMs', 'needs a fallback: the model that answers when the budget is spent');
  return {
    name: o.name,
    description: (o.description as string | undefined) ?? '',
    models,
    sticky: o.sticky === undefined || o.sticky === null ? null : fieldName(o.sticky, 'sticky'),
    shadow,
    graph: g,
    fallback,
    latencyBudgetMs: budget,
    batching: {
      maxBatchSize: int(batching.maxBatchSize, 'batching.maxBatchSize', 1, 100_000, 256),
      maxWaitMs: int(batching.maxWaitMs, 'batching.maxWaitMs', 0, 10_000, 2),
    },
    logging: {
      enabled: bool(logging.enabled, 'logging.enabled', true),
      capacity: int(logging.capacity, 'logging.capacity', 1, 10_000_000, 100_000),
      policy,
    },
    numericStrings: bool(o.numericStrings, 'numericStrings', false),
    allowUngated: bool(o.allowUngated, 'allowUngated', false),
  };
}

/** Every model reference a graph names, with the spec field it stands in. */
export function graphModelRefs(graph: GraphSpec): { ref: string; field: string }[] {
  if (graph.kind === 'sequence')
    return graph.steps.map((s, i) => ({ ref: s.model, field: `graph.steps[${i}].model` }));
  if (graph.kind === 'parallel')
    return [
      ...graph.members.map((m, i) => ({ ref: m.model, field: `graph.members[${i}].model` })),
      ...(graph.stacker ? [{ ref: graph.stacker, field: 'graph.stacker' }] : []),
    ];
  return [
    ...graph.cases.map((c, i) => ({ ref: c.model, field: `graph.cases[${i}].model` })),
    { ref: graph.default, field: 'graph.default' },
  ];
}

/** Every model reference a spec names (routes, graph, shadows, fallback), each once, in order. */
export function specModelRefs(spec: DeploymentSpec): string[] {
  const refs: string[] = spec.models.map((m) => m.model);
  if (spec.graph) refs.push(...graphModelRefs(spec.graph).map((r) => r.ref));
  refs.push(...spec.shadow.map((s) => s.model));
  if (spec.fallback) refs.push(spec.fallback);
  return [...new Set(refs)];
}
