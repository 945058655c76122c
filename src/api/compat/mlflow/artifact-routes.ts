import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../../auth/index.js';
import type { ArtifactEntry, ArtifactStore, RunArtifacts } from '../../../tracking/index.js';
import { safeArtifactPath } from '../../../tracking/index.js';
import { principalOf } from '../../plugins/auth.js';
import { artifactMimeType, attachmentDisposition } from '../../artifact-mime.js';
import { mlflowErrorHandler, sendMlflowError } from './mlflow-errors.js';
import { endpoint, optString, runIdOf } from './mlflow-json.js';

/**
 * The message MLflow's `_UnsupportedMultipartUploadException` carries. MLflow's
 * `HttpArtifactRepository._try_multipart_upload` falls back to a plain PUT only when the error
 * body's `message` starts with this text.
 */
export const MULTIPART_UNSUPPORTED_MESSAGE =
  'Multipart upload is not supported for the current artifact repository';

export interface ArtifactRoutesOptions {
  artifacts: ArtifactStore;
  audit: AuditLog;
}

/** The wildcard tail of the URL, checked: the artifact path of `/artifacts/<path>` routes. */
function pathParam(req: FastifyRequest): string {
  return safeArtifactPath((req.params as Record<string, unknown>)['*'] ?? '');
}

/** The upload stream: the body our pass-through parser produced, else the raw request. */
function uploadStream(req: FastifyRequest): Readable {
  return req.body instanceof Readable ? req.body : req.raw;
}

const fileInfoJson = (e: ArtifactEntry, path: string) => ({
  path,
  is_dir: e.isDir,
  ...(e.fileSize !== undefined ? { file_size: e.fileSize } : {}),
});

/**
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`), mounted at
 * `/api/2.0/mlflow-artifacts`: download, upload, list and delete files under the
 * `mlflow-artifacts:/` root, and multipart-upload endpoints that answer 501 so clients fall back
 * to a single PUT. Bodies are streamed: every content type is passed through unparsed.
 */
export async function mlflowArtifactRoutes(app: FastifyInstance, opts: ArtifactRoutesOptions): Promise<void> {
  const { artifacts, audit } = opts;
  app.setErrorHandler(mlflowErrorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendMlflowError(
      reply,
      'ENDPOINT_NOT_FOUND',
      404,
      `No endpoint ${req.method} ${req.url.split('?')[0]} in the MLflow artifacts API`,
    ),
  );
  // Uploads arrive with any content type (MLflow guesses it from the file name: a .json artifact
  // is sent as application/json). Nothing here is parsed; the handler streams the raw body.
  app.removeAllContentTypeParsers();
  const passThrough = (_req: FastifyRequest, payload: unknown, done: (err: null, body: unknown) => void) =>
    done(null, payload);
  app.addContentTypeParser('application/octet-stream', passThrough);
  app.addContentTypeParser('*', passThrough);

  app.get('/artifacts', {
    config: { permission: 'read' },
    schema: { tags: ['mlflow'], summary: 'List one level of an artifact directory (proxied artifacts)' },
    handler: async (req) => {
      const path = optString(req.query as Record<string, unknown>, 'path');
      const dir = safeArtifactPath(path ?? '', { allowEmpty: true });
      const entries = await artifacts.list(dir);
      const files = entries.map((e) => fileInfoJson(e, e.path.slice(e.path.lastIndexOf('/') + 1)));
      return files.length ? { files } : {};
    },
  });

  app.get('/artifacts/*', {
    config: { permission: 'read' },
    schema: { tags: ['mlflow'], summary: 'Download an artifact file (streamed)' },
    handler: async (req, reply) => {
      const { file, stream } = await artifacts.open(pathParam(req));
      return reply
        .header('content-type', artifactMimeType(file.path))
        .header('content-length', String(file.size))
        .header('content-disposition', attachmentDisposition(file.path))
        .header('x-content-type-options', 'nosniff')
        .send(stream);
    },
  });

  app.put('/artifacts/*', {
    config: { permission: 'write' },
    schema: { tags: ['mlflow'], summary: 'Upload an artifact file (the request body, streamed)' },
    handler: async (req) => {
      const path = pathParam(req);
      await artifacts.put(path, uploadStream(req));
      return {};
    },
  });

  app.delete('/artifacts/*', {
    config: { permission: 'write' },
    schema: { tags: ['mlflow'], summary: 'Delete an artifact file or directory' },
    handler: async (req) => {
      const path = pathParam(req);
      const removed = await artifacts.delete(path);
      if (removed > 0) {
        await audit.record({
          actor: principalOf(req),
          action: 'artifact.delete',
          objectType: 'artifact',
          objectId: path,
          details: { files: removed },
          requestId: req.id,
        });
      }
      return {};
    },
  });

  for (const step of ['create', 'complete', 'abort'] as const) {
    app.post(`/mpu/${step}/*`, {
      config: { permission: 'write' },
      schema: { tags: ['mlflow'], summary: `Multipart upload (${step}): not supported, answers 501` },
      handler: async (req, reply) => {
        pathParam(req);
        uploadStream(req).resume(); // the JSON body is not needed
        return notImplemented(reply);
      },
    });
  }
}

function notImplemented(reply: FastifyReply): FastifyReply {
  return sendMlflowError(
    reply,
    'NOT_IMPLEMENTED',
    501,
    `${MULTIPART_UNSUPPORTED_MESSAGE}. Upload the file with PUT /api/2.0/mlflow-artifacts/artifacts/<path> instead.`,
  );
}

/** MLflow REST 2.0 `GET artifacts/list`: one level of a run's artifacts, paths relative to its root. */
export async function runArtifactRoutes(
  app: FastifyInstance,
  opts: { runArtifacts: RunArtifacts },
): Promise<void> {
  endpoint(app, ['GET'], '/artifacts/list', 'read', "List one level of a run's artifacts", async (a) => {
    const runId = runIdOf(a);
    optString(a, 'page_token'); // accepted and ignored: one level is answered whole, as MLflow does
    const { rootUri, files } = await opts.runArtifacts.listArtifacts(runId, optString(a, 'path'));
    return {
      root_uri: rootUri,
      ...(files.length ? { files: files.map((e) => fileInfoJson(e, e.path)) } : {}),
    };
  });
}
