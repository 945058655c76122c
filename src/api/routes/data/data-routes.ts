import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { LatheError } from '../../../core/index.js';
import {
  type DataService,
  type RowsQuery,
  rowFilterOps,
  sourceEncodings,
  sourceFormats,
} from '../../../data/index.js';
import { principalOf } from '../../plugins/auth.js';
import { Column, NameParams, refOf, tags, Version, VersionDetails, VersionParams } from './data-schemas.js';

const Dataset = Type.Object({
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  createdBy: Type.String(),
  latestVersion: Type.Union([Type.Integer(), Type.Null()]),
  versionCount: Type.Integer(),
  latestRows: Type.Union([Type.Integer(), Type.Null()]),
  latestSize: Type.Union([Type.Integer(), Type.Null()]),
});

const IngestQuery = Type.Object({
  filename: Type.Optional(
    Type.String({ maxLength: 512, description: "the file's name (its extension picks the format)" }),
  ),
  format: Type.Optional(Type.Union(sourceFormats.map((f) => Type.Literal(f)))),
  delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 4 })),
  quote: Type.Optional(Type.String({ maxLength: 1 })),
  header: Type.Optional(Type.Boolean()),
  encoding: Type.Optional(Type.Union(sourceEncodings.map((f) => Type.Literal(f)))),
  strict: Type.Optional(Type.Boolean({ description: 'refuse the file when any row is malformed' })),
  append: Type.Optional(Type.Boolean({ description: 'add the rows to the latest version' })),
  target: Type.Optional(Type.String({ maxLength: 256 })),
  semantic: Type.Optional(
    Type.String({
      maxLength: 8192,
      description: 'semantic types by column: `col:categorical,other:identifier`',
    }),
  ),
  message: Type.Optional(Type.String({ maxLength: 4096 })),
  description: Type.Optional(Type.String({ maxLength: 4096 })),
});

/** `/api/v1/datasets`: datasets, versions (ingest by upload), rows and exports. */
export const dataRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  app.get(
    '/api/v1/datasets',
    {
      schema: {
        tags,
        summary: 'List datasets',
        response: { 200: Type.Object({ datasets: Type.Array(Dataset) }) },
      },
      config: { permission: 'read' },
    },
    async () => ({ datasets: await data.list() }),
  );

  app.get(
    '/api/v1/datasets/:name',
    {
      schema: {
        tags,
        summary: 'A dataset and its versions, newest first',
        params: NameParams,
        response: { 200: Type.Intersect([Dataset, Type.Object({ versions: Type.Array(Version) })]) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ ...(await data.get(req.params.name)), versions: await data.versions(req.params.name) }),
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'One version with its schema, profile and ingest report',
        params: VersionParams,
        response: { 200: VersionDetails },
      },
      config: { permission: 'read' },
    },
    async (req) => data.version(refOf(req.params)),
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version/rows',
    {
      schema: {
        tags,
        summary: 'A page of rows, optionally sorted by a column and filtered on one',
        params: VersionParams,
        querystring: Type.Object({
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          orderBy: Type.Optional(Type.String({ maxLength: 256 })),
          desc: Type.Optional(Type.Boolean()),
          filterColumn: Type.Optional(Type.String({ maxLength: 256 })),
          filterOp: Type.Optional(Type.Union(rowFilterOps.map((o) => Type.Literal(o)))),
          filterValue: Type.Optional(Type.String({ maxLength: 1024 })),
        }),
        response: {
          200: Type.Object({
            ref: Type.String(),
            columns: Type.Array(Column),
            total: Type.Integer(),
            offset: Type.Integer(),
            rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async (req) => {
      const q = req.query;
      const query: RowsQuery = {
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.orderBy ? { orderBy: q.orderBy, desc: q.desc === true } : {}),
      };
      if (q.filterColumn) {
        query.filter = {
          column: q.filterColumn,
          op: q.filterOp ?? '=',
          ...(q.filterValue !== undefined ? { value: q.filterValue } : {}),
        };
      }
      return data.rows(refOf(req.params), query);
    },
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version/export',
    {
      schema: {
        tags,
        summary: 'Download the rows as CSV or Parquet',
        params: VersionParams,
        querystring: Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('parquet')]) }),
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const out = await data.export(refOf(req.params), req.query.format);
      const stream = createReadStream(out.file);
      stream.once('close', () => void out.cleanup());
      const filename = `${out.ref.replace('@', '-v')}.${req.query.format}`;
      return reply
        .type(req.query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(stream);
    },
  );

  await app.register(async (scope) => {
    // The body is the file, streamed to disk whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post(
      '/api/v1/datasets/:name/versions',
      {
        schema: {
          tags,
          summary: 'Ingest a file (the body, streamed) as a new version',
          description:
            'CSV/TSV, Parquet or JSON Lines. Malformed CSV rows are skipped and listed in `report.issues` with ' +
            'their line numbers (or the file is refused with `strict=true`). Content equal to an existing ' +
            'version answers that version with 200 and `created: false`; a new version answers 201.',
          params: NameParams,
          querystring: IngestQuery,
          response: {
            200: Type.Object({ created: Type.Boolean(), version: VersionDetails }),
            201: Type.Object({ created: Type.Boolean(), version: VersionDetails }),
          },
        },
        config: { permission: 'write' },
      },
      async (req, reply) => {
        const q = req.query as Static<typeof IngestQuery>;
        const params = req.params as { name: string };
        const body = req.body instanceof Readable ? req.body : req.raw;
        const read: Record<string, unknown> = {};
        for (const k of ['format', 'delimiter', 'quote', 'header', 'encoding', 'strict'] as const)
          if (q[k] !== undefined) read[k] = q[k];
        const result = await data.ingestUpload(
          body,
          {
            name: params.name,
            filename: q.filename ?? 'upload',
            read,
            ...(q.append !== undefined ? { append: q.append } : {}),
            ...(q.target !== undefined ? { target: q.target } : {}),
            ...(q.semantic !== undefined ? { semantic: parseSemantic(q.semantic) } : {}),
            ...(q.message !== undefined ? { message: q.message } : {}),
            ...(q.description !== undefined ? { description: q.description } : {}),
          },
          principalOf(req),
        );
        return reply.code(result.created ? 201 : 200).send(result);
      },
    );
  });
};

/** `col:type,other:type` → `{ col: 'type', other: 'type' }`. */
function parseSemantic(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = part.lastIndexOf(':');
    if (at <= 0)
      throw new LatheError(
        'INVALID_ARGUMENT',
        `semantic types are col:type pairs separated by commas; got ${JSON.stringify(part)}`,
      );
    out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}
