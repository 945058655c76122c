import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePermission } from '../../../auth/index.js';
import { LatheError } from '../../../core/index.js';
import type { DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo } from '../../../tracking/index.js';
import { jsonDouble, toDouble } from '../../json-double.js';

const docsHint = 'See the API docs for more information about request parameters.';

/**
 * The request's arguments as MLflow reads them: the JSON body of a POST/PATCH/DELETE, the query
 * string of a GET (where a repeated key becomes a list).
 */
export function args(req: FastifyRequest): Record<string, unknown> {
  if (req.method === 'GET') return (req.query ?? {}) as Record<string, unknown>;
  const body = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new LatheError('INVALID_ARGUMENT', `The request body must be a JSON object. ${docsHint}`);
  }
  return body as Record<string, unknown>;
}

type Handler = (a: Record<string, unknown>, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers an MLflow endpoint: `GET` reads take the query string, writes a JSON body (see
 * `args`). The handler's answer is the JSON body (`{}` for none) unless it sent the reply itself.
 */
export function endpoint(
  app: FastifyInstance,
  methods: ('GET' | 'POST' | 'PATCH' | 'DELETE')[],
  path: string,
  permission: RoutePermission,
  summary: string,
  handler: Handler,
): void {
  app.route({
    method: methods,
    url: path,
    config: { permission },
    schema: { tags: ['mlflow'], summary },
    handler: async (req, reply) => {
      const out = await handler(args(req), req, reply);
      // A handler that sent the answer itself (streamed or pre-serialized) returns the reply.
      return reply.sent ? reply : (out ?? {});
    },
  });
}

const typeName = (v: unknown) =>
  Array.isArray(v)
    ? 'list'
    : v === null
      ? 'NoneType'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'int'
          : 'float'
        : typeof v === 'string'
          ? 'str'
          : typeof v === 'boolean'
            ? 'bool'
            : 'dict';

function wrongType(name: string, value: unknown): never {
  throw new LatheError(
    'INVALID_ARGUMENT',
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied. Hint: Value was of type '${typeName(value)}'. ${docsHint}`,
  );
}

/** A required string argument, with MLflow's messages for a missing or mistyped one. */
export function reqString(a: Record<string, unknown>, name: string): string {
  const v = a[name];
  if (v === undefined || v === null || v === '') {
    throw new LatheError('INVALID_ARGUMENT', `Missing value for required parameter '${name}'. ${docsHint}`);
  }
  if (typeof v !== 'string') wrongType(name, v);
  return v as string;
}

export function optString(a: Record<string, unknown>, name: string): string | undefined {
  const v = a[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') wrongType(name, v);
  return v as string;
}

/** An int64 argument: a JSON number or, as protobuf JSON writes them, a string of digits. */
export function optInt(a: Record<string, unknown>, name: string): number | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) wrongType(name, v);
  return n as number;
}

export function reqInt(a: Record<string, unknown>, name: string): number {
  const n = optInt(a, name);
  if (n === undefined)
    throw new LatheError('INVALID_ARGUMENT', `Missing value for required parameter '${name}'. ${docsHint}`);
  return n;
}

/** A double: a number, or the strings protobuf JSON uses for NaN and infinities. */
export function reqDouble(a: Record<string, unknown>, name: string): number {
  const v = a[name];
  if (v === undefined || v === null)
    throw new LatheError('INVALID_ARGUMENT', `Missing value for required parameter '${name}'. ${docsHint}`);
  return toDouble(v) ?? wrongType(name, v);
}

/** `run_id`, or the deprecated `run_uuid` older clients send; a missing one is named `run_id`. */
export function runIdOf(a: Record<string, unknown>): string {
  return optString(a, 'run_id') || optString(a, 'run_uuid') || reqString(a, 'run_id');
}

/** A list argument; a single query value counts as a list of one. */
export function optList(a: Record<string, unknown>, name: string): unknown[] {
  const v = a[name];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  return wrongType(name, v);
}

export function keyValues(a: Record<string, unknown>, name: string): KeyValue[] {
  return optList(a, name).map((t) => {
    if (!t || typeof t !== 'object') wrongType(name, t);
    const o = t as Record<string, unknown>;
    return { key: reqString(o, 'key'), value: optString(o, 'value') ?? '' };
  });
}

export function metricsArg(a: Record<string, unknown>, name: string): Metric[] {
  return optList(a, name).map((m) => {
    if (!m || typeof m !== 'object') wrongType(name, m);
    const o = m as Record<string, unknown>;
    return {
      key: reqString(o, 'key'),
      value: reqDouble(o, 'value'),
      timestamp: reqInt(o, 'timestamp'),
      step: optInt(o, 'step') ?? 0,
    };
  });
}

export function datasetsArg(a: Record<string, unknown>): DatasetInput[] {
  return optList(a, 'datasets').map((d) => {
    const o = (d ?? {}) as Record<string, unknown>;
    const ds = (o.dataset ?? {}) as Record<string, unknown>;
    return {
      tags: keyValues(o, 'tags'),
      dataset: {
        name: reqString(ds, 'name'),
        digest: reqString(ds, 'digest'),
        sourceType: reqString(ds, 'source_type'),
        source: reqString(ds, 'source'),
        schema: optString(ds, 'schema'),
        profile: optString(ds, 'profile'),
      },
    };
  });
}

const kvs = (list: KeyValue[]) =>
  list.length ? { tags: list.map((t) => ({ key: t.key, value: t.value })) } : {};

export function experimentJson(e: Experiment) {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    ...kvs(e.tags),
  };
}

export function metricJson(m: Metric) {
  return { key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export function runInfoJson(i: RunInfo) {
  return {
    run_uuid: i.runId,
    run_id: i.runId,
    run_name: i.runName,
    experiment_id: i.experimentId,
    user_id: i.userId,
    status: i.status,
    ...(i.startTime !== null ? { start_time: i.startTime } : {}),
    ...(i.endTime !== null ? { end_time: i.endTime } : {}),
    artifact_uri: i.artifactUri,
    lifecycle_stage: i.lifecycleStage,
  };
}

export function runJson(r: Run) {
  const data: Record<string, unknown> = {};
  if (r.data.metrics.length) data.metrics = r.data.metrics.map(metricJson);
  if (r.data.params.length) data.params = r.data.params;
  if (r.data.tags.length) data.tags = r.data.tags;
  const inputs = r.inputs.datasetInputs.length
    ? {
        dataset_inputs: r.inputs.datasetInputs.map((d) => ({
          ...(d.tags.length ? { tags: d.tags } : {}),
          dataset: {
            name: d.dataset.name,
            digest: d.dataset.digest,
            source_type: d.dataset.sourceType,
            source: d.dataset.source,
            ...(d.dataset.schema !== undefined ? { schema: d.dataset.schema } : {}),
            ...(d.dataset.profile !== undefined ? { profile: d.dataset.profile } : {}),
          },
        })),
      }
    : {};
  return { info: runInfoJson(r.info), data, inputs };
}
