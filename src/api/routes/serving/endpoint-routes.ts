import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { canPredict } from '../../../auth/index.js';
import { LatheError } from '../../../core/index.js';
import type { EndpointAnswer, ServingService } from '../../../serving/index.js';
import { parsePredictPayload } from '../../../serving/index.js';

const tags = ['serving'];
const Params = Type.Object({ name: Type.String({ maxLength: 63 }) });
const Payload = Type.Unknown({
  description:
    'rows `[{...}]` or `{"rows": [...]}`, columns `{"columns": [...], "data": [[...]]}`, or MLflow\'s ' +
    '`dataframe_split`, `dataframe_records`, `instances`, `inputs`',
});

/** The caller may call this endpoint (a `read` token, or one scoped `predict:NAME`). */
export function assertCanPredict(req: FastifyRequest, name: string): void {
  if (req.principal && !canPredict(req.principal, name))
    throw new LatheError(
      'PERMISSION_DENIED',
      `this token may call ${(req.principal.endpoints ?? []).join(', ')} only, not endpoint ${name}`,
      { endpoint: name },
    );
}

/** Predicts a request body through an endpoint, with the caller's request ID. */
export async function predictBody(serving: ServingService, name: string, body: unknown, req: FastifyRequest) {
  assertCanPredict(req, name);
  const endpoint = serving.endpoint(name);
  const first = endpoint.inputModel();
  const order = first.predictor.signature.inputs.map((c) => c.name);
  let parsed: ReturnType<typeof parsePredictPayload>;
  try {
    parsed = parsePredictPayload(body, order, { maxRows: 100_000 });
  } catch (err) {
    endpoint.refused(err);
    throw err;
  }
  const { batch, format } = parsed;
  // Row objects as sent are what the inference log keeps (no rebuilding from columns).
  const rows =
    format === 'rows'
      ? Array.isArray(body)
        ? body
        : (body as { rows: unknown[] }).rows
      : format === 'dataframe_records'
        ? (body as { dataframe_records: unknown[] }).dataframe_records
        : undefined;
  return endpoint.predict({
    batch,
    requestId: req.id,
    ...(rows?.length && typeof rows[0] === 'object' && !Array.isArray(rows[0])
      ? { rows: rows as Record<string, unknown>[] }
      : {}),
  });
}

function answerHeaders(reply: FastifyReply, a: EndpointAnswer): void {
  reply.header('x-lathe-model-version', a.model.key);
  if (a.fallback) reply.header('x-lathe-fallback', a.fallback.reason);
}

/** A prediction as JSON: NaN becomes null (with a warning), probabilities by row. */
export function answerBody(a: EndpointAnswer, endpoint: string, requestId: string) {
  const p = a.prediction;
  let nan = 0;
  const predictions = Array.from(p.predictions as ArrayLike<unknown>, (v) => {
    if (typeof v === 'number' && Number.isNaN(v)) {
      nan++;
      return null;
    }
    return v;
  });
  const k = p.classes?.length ?? 0;
  const probabilities =
    p.probabilities && k
      ? Array.from({ length: p.rows }, (_, r) => Array.from(p.probabilities!.subarray(r * k, (r + 1) * k)))
      : undefined;
  const warnings = [...p.warnings, ...(nan ? [`${nan} row(s) predicted NaN, answered as null`] : [])];
  return {
    id: requestId,
    endpoint,
    model: a.model.key,
    modelVersion: String(a.model.version),
    ref: a.ref,
    predictions,
    ...(probabilities ? { probabilities, classes: p.classes } : {}),
    predictionIds: a.predictionIds,
    fallback: a.fallback,
    ...(a.graph ? { graph: a.graph } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** Online prediction through a deployment: Lathe's own payloads and MLflow's `/invocations`. */
export const endpointRoutes: FastifyPluginAsyncTypebox<{ serving: ServingService }> = async (
  app,
  { serving },
) => {
  app.post(
    '/api/v1/endpoints/:name/predict',
    {
      config: { permission: 'predict' },
      schema: {
        tags,
        summary:
          'Predict through a deployment: the answer carries the predictions (and class probabilities), the model version that answered, one prediction ID per row and whether the fallback answered',
        params: Params,
        body: Payload,
      },
    },
    async (req, reply) => {
      const a = await predictBody(serving, req.params.name, req.body, req);
      answerHeaders(reply, a);
      return answerBody(a, req.params.name, req.id);
    },
  );

  app.post(
    '/api/v1/endpoints/:name/invocations',
    {
      config: { permission: 'predict' },
      schema: {
        tags,
        summary:
          'MLflow\'s scoring protocol: the same payloads as `mlflow models serve`, answered as {"predictions": [...]}',
        params: Params,
        body: Payload,
      },
    },
    async (req, reply) => {
      const a = await predictBody(serving, req.params.name, req.body, req);
      answerHeaders(reply, a);
      const body = answerBody(a, req.params.name, req.id);
      return { predictions: body.predictions };
    },
  );
};
