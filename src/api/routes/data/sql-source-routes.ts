import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { DataService } from '../../../data/index.js';
import { principalOf } from '../../plugins/auth.js';
import { NameParams, tags, VersionDetails } from './data-schemas.js';

const SqlIngestBody = Type.Object(
  {
    uri: Type.String({
      minLength: 1,
      format: 'password',
      writeOnly: true,
      description:
        'PostgreSQL connection URI, `postgres://user:password@host:5432/database[?sslmode=require]`. ' +
        'Used to connect only: never stored, logged or echoed (the version records it without the password). ' +
        "The host must be allowed by the server's `data.sqlSourceHosts`.",
    }),
    query: Type.String({
      minLength: 1,
      maxLength: 1_000_000,
      description:
        'One statement that reads rows (SELECT, WITH … SELECT, VALUES, TABLE); a trailing `;` is allowed. ' +
        'It runs in a READ ONLY transaction with a statement timeout (`data.sqlTimeoutMs`).',
    }),
    message: Type.Optional(Type.String({ maxLength: 4096 })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    target: Type.Optional(Type.String({ maxLength: 256 })),
    semantic: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'semantic types by column, e.g. `{ "zip": "categorical" }`',
      }),
    ),
    append: Type.Optional(Type.Boolean({ description: 'add the rows to the latest version' })),
  },
  { additionalProperties: false },
);

/** `POST /api/v1/datasets/:name/versions/from-sql`: a version from a query against PostgreSQL. */
export const sqlSourceRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  app.post(
    '/api/v1/datasets/:name/versions/from-sql',
    {
      schema: {
        tags,
        summary: 'Ingest the rows of a PostgreSQL query as a new version',
        description:
          'The server connects to the database, runs the query through a cursor (bounded memory) and ingests the ' +
          'rows typed from the result columns. 403 `DATA_SOURCE_FORBIDDEN` when the host is not in ' +
          '`data.sqlSourceHosts` (empty by default: SQL sources off); 400 for a second statement or a statement ' +
          'that does not read; 422 `DATA_SOURCE_INVALID` when the query fails, writes, times out or returns no ' +
          'rows; 502 `DATA_SOURCE_CONNECTION_FAILED` when the database cannot be reached or refuses the login. ' +
          'Content equal to an existing version answers that version with 200 and `created: false`.',
        params: NameParams,
        body: SqlIngestBody,
        response: {
          200: Type.Object({ created: Type.Boolean(), version: VersionDetails }),
          201: Type.Object({ created: Type.Boolean(), version: VersionDetails }),
        },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const { uri, query, ...rest } = req.body;
      const result = await data.ingestQuery(
        { uri, query },
        { name: req.params.name, ...rest },
        principalOf(req),
      );
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
};
