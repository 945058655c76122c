import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { EndpointAnswer, ServingService } from '../../../serving/index.js';
import { parsePredictPayload } from '../../../serving/index.js';
import { nanAsNull, predictionRows } from '../../../models/index.js';

const tags = ['serving'];
const Params = Type.Object({ name: Type.String({ maxLength: 63 }) });
const Payload = Type.Unknown({
  description:
    'rows `[{...}]` or `{"rows": [...]}`, columns `{"columns": [...], "data": [[...]]}`, or MLflow\'s ' +
    '`dataframe_split`, `dataframe_records`, `instances`, `inputs`',
});

/** Predicts a request body through an endpoint, with the caller's request ID. */
export async function predictBody(serving: ServingService, name: string, body: unknown, req: FastifyRequest) {
  const endpoint = serving.endpoint(name);
  let parsed: ReturnType<typeof parsePredictPayload>;
  try {
    parsed = parsePredictPayload(body, endpoint.inputColumns, { maxRows: 100_000 });
  } catch (err) {
    endpoint.refused(err);
    throw err;
  }
  const { batch, rows } = parsed;
  return endpoint.predict({ batch, requestId: req.id, ...(rows ? { rows } : {}) });
}

function answerHeaders(reply: FastifyReply, a: EndpointAnswer): void {
  reply.header('x-lathe-model-version', a.model.key);
  if (a.fallback) reply.header('x-lathe-fallback', a.fallback.reason);
}

/** An endpoint's answer as JSON: rows the model answered NaN for are null, with a warning. */
export function answerBody(a: EndpointAnswer, endpoint: string, requestId: string) {
  const { predictions, probabilities, classes, warnings } = nanAsNull(predictionRows(a.prediction));
  return {
    id: requestId,
    endpoint,
    model: a.model.key,
    modelVersion: String(a.model.version),
    ref: a.ref,
    predictions,
    ...(probabilities ? { probabilities, classes } : {}),
    predictionIds: a.predictionIds,
    fallback: a.fallback,
    ...(a.graph ? { graph: a.graph } : {}),
    ...(warnings?.length ? { warnings } : {}),
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
      return { predictions: nanAsNull(predictionRows(a.prediction)).predictions };
    },
  );
};
