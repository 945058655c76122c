/**
 * The Open Inference Protocol V2 over REST (as KServe, Triton and MLServer speak it), with a
 * deployment as the model: health, server and model metadata, readiness, and inference with typed
 * tensors. `model_version` in an answer is the version that answered (a canary is visible), and
 * errors are `{"error": "..."}` as the protocol says.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isLatheError, LatheError, version as latheVersion } from '../../../core/index.js';
import type { ServingService } from '../../../serving/index.js';
import { httpStatusByCode } from '../../error-status.js';
import { decodeInferRequest, encodeInferResponse, modelMetadata, oipError } from './oip-codec.js';

type Params = { name: string; version?: string };

function versionOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text))
    throw new LatheError(
      'INVALID_ARGUMENT',
      `model version must be a positive integer; got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/** OIP V2 routes under `/v2`. */
export const oipRoutes: FastifyPluginAsync<{ serving: ServingService }> = async (app, { serving }) => {
  await app.register(
    async (scope) => {
      scope.setErrorHandler((err, req, reply: FastifyReply) => {
        const status = isLatheError(err)
          ? httpStatusByCode[err.code]
          : ((err as { statusCode?: number }).statusCode ?? 500);
        if (status >= 500) req.log.error({ err }, 'inference request failed');
        return reply.code(status).send(oipError(err as Error));
      });
      scope.setNotFoundHandler((req, reply) =>
        reply
          .code(404)
          .send(oipError(`no route ${req.method} ${req.url.split('?')[0]} in the Open Inference Protocol`)),
      );
      const tags = ['open inference protocol'];
      const open = { config: { permission: 'public' as const }, schema: { tags } };
      const predict = { config: { permission: 'predict' as const }, schema: { tags } };

      scope.get('/health/live', open, async () => ({ live: true }));
      scope.get('/health/ready', open, async (_req, reply) => {
        const ready = serving.ready();
        return reply.code(ready ? 200 : 503).send({ ready });
      });
      scope.get('/', open, async () => ({ name: 'lathe', version: latheVersion, extensions: [] }));

      const metadata = async (p: Params) => {
        const e = serving.endpoint(p.name);
        const v = versionOf(p.version);
        const versions = e.servedVersions();
        if (v !== undefined && !versions.includes(v))
          throw new LatheError(
            'NOT_FOUND',
            `model ${p.name} has no version ${v}; versions: ${versions.join(', ')}`,
          );
        const first = e.inputModel;
        return modelMetadata(p.name, versions, first.predictor.signature);
      };
      scope.get<{ Params: Params }>('/models/:name', predict, async (req) => {
        return metadata(req.params);
      });
      scope.get<{ Params: Params }>('/models/:name/versions/:version', predict, async (req) => {
        return metadata(req.params);
      });
      const ready = async (p: Params, reply: FastifyReply) => {
        let ok = false;
        try {
          await metadata(p);
          ok = true;
        } catch (err) {
          if (isLatheError(err) && err.code === 'NOT_FOUND') throw err;
        }
        return reply.code(ok ? 200 : 503).send({ name: p.name, ready: ok });
      };
      scope.get<{ Params: Params }>('/models/:name/ready', predict, async (req, reply) =>
        ready(req.params, reply),
      );
      scope.get<{ Params: Params }>('/models/:name/versions/:version/ready', predict, async (req, reply) =>
        ready(req.params, reply),
      );

      const infer = async (p: Params, body: unknown, requestId: string) => {
        const e = serving.endpoint(p.name);
        const first = e.inputModel;
        let decoded: ReturnType<typeof decodeInferRequest>;
        try {
          decoded = decodeInferRequest(body, first.predictor.signature);
        } catch (err) {
          e.refused(err);
          throw err;
        }
        const version = versionOf(p.version);
        const a = await e.predict({
          batch: decoded.batch,
          requestId: decoded.id ?? requestId,
          ...(version !== undefined ? { version } : {}),
        });
        return encodeInferResponse({
          modelName: p.name,
          modelVersion: String(a.model.version),
          ...(decoded.id !== undefined ? { id: decoded.id } : {}),
          prediction: a.prediction,
          ...(decoded.outputs ? { outputs: decoded.outputs } : {}),
          predictionIds: a.predictionIds,
          ...(a.fallback ? { parameters: { fallback: true, fallback_reason: a.fallback.reason } } : {}),
        });
      };
      scope.post<{ Params: Params }>('/models/:name/infer', predict, async (req) => {
        return infer(req.params, req.body, req.id);
      });
      scope.post<{ Params: Params }>('/models/:name/versions/:version/infer', predict, async (req) => {
        return infer(req.params, req.body, req.id);
      });
    },
    { prefix: '/v2' },
  );
};
