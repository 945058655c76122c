import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { RunArtifacts } from '../../../tracking/index.js';
import { artifactMimeType, attachmentDisposition } from '../../artifact-mime.js';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ArtifactEntry = Type.Object({
  path: Type.String(),
  isDir: Type.Boolean(),
  fileSize: Type.Optional(Type.Integer()),
});
/** Types a browser may show inline; anything else (HTML, SVG, …) is a download, so it cannot run script here. */
const inlineTypes = new Set([
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'text/yaml',
  'application/json',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** Run artifacts under /api/v1/runs/{id}/artifacts: list, download (previewable types inline), upload (streamed). */
export const runArtifactRoutes: FastifyPluginAsyncTypebox<{ runArtifacts: RunArtifacts }> = async (
  app,
  { runArtifacts },
) => {
  const tags = ['tracking'];
  app.get(
    '/api/v1/runs/:id/artifacts',
    {
      schema: {
        tags,
        summary: "List one level of a run's artifacts (path relative to the run's artifact root)",
        params: Params,
        querystring: Type.Object({ path: Type.Optional(Type.String({ maxLength: 4096 })) }),
        response: { 200: Type.Object({ rootUri: Type.String(), files: Type.Array(ArtifactEntry) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => runArtifacts.listArtifacts(req.params.id, req.query.path),
  );

  app.get(
    '/api/v1/runs/:id/artifacts/content',
    {
      schema: {
        tags,
        summary: 'Download one artifact file (text, CSV, JSON and images inline unless download=true)',
        params: Params,
        querystring: Type.Object({
          path: Type.String({ minLength: 1, maxLength: 4096 }),
          download: Type.Optional(Type.Boolean()),
        }),
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const { file, stream } = await runArtifacts.openArtifact(req.params.id, req.query.path);
      const type = artifactMimeType(file.path);
      const inline = !req.query.download && inlineTypes.has(type);
      return reply
        .type(type.startsWith('text/') || type === 'application/json' ? `${type}; charset=utf-8` : type)
        .header('content-length', file.size)
        .header('content-disposition', inline ? 'inline' : attachmentDisposition(file.path))
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-security-policy',
          "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        )
        .send(stream);
    },
  );

  await app.register(async (scope) => {
    // Uploads are streamed into the blob store, whatever their content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put(
      '/api/v1/runs/:id/artifacts/content',
      {
        schema: {
          tags,
          summary: 'Upload one artifact file; the body is the file (any content type), streamed',
          params: Params,
          querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) }),
          response: {
            201: Type.Object({ path: Type.String(), size: Type.Integer(), digest: Type.String() }),
          },
        },
        config: { permission: 'write' },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const { path } = req.query as { path: string };
        const body = req.body instanceof Readable ? req.body : req.raw;
        const file = await runArtifacts.logArtifact(id, path, body);
        return reply.code(201).send({ path: file.path, size: file.size, digest: file.digest });
      },
    );
  });
};
