import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { LatheError } from '../../../core/index.js';
import {
  type ModelService,
  type ModelSource,
  type ModelTask,
  nanAsNull,
  readTar,
} from '../../../models/index.js';
import { principalOf } from '../../plugins/auth.js';
import { ModelVersion, RefParams } from '../registry/registry-schemas.js';

const tags = ['models'];

const Column = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'boolean, integer, long, float, double, string, binary, datetime' }),
  required: Type.Boolean(),
});
const Signature = Type.Object({
  inputs: Type.Array(Column),
  outputs: Type.Array(Column),
  classes: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
});
const Label = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Prediction = Type.Object({
  predictions: Type.Array(
    Type.Union([Label, Type.Null()], { description: 'null where the model answered NaN' }),
  ),
  probabilities: Type.Optional(Type.Array(Type.Array(Type.Union([Type.Number(), Type.Null()])))),
  classes: Type.Optional(Type.Array(Label)),
  warnings: Type.Optional(Type.Array(Type.String())),
});

const ImportQuery = Type.Object({
  filename: Type.String({
    minLength: 1,
    maxLength: 255,
    description:
      'the file or directory name as the user has it (model.onnx, model.json, my-mlflow-model.tar)',
  }),
  flavor: Type.Optional(
    Type.String({ description: 'auto (default), native, mlflow, onnx, xgboost, lightgbm' }),
  ),
  run: Type.Optional(Type.String({ maxLength: 64, description: 'a tracking run to link the version to' })),
  experiment: Type.Optional(
    Type.String({ maxLength: 500, description: 'the import run\'s experiment (default "Imported models")' }),
  ),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  task: Type.Optional(
    Type.Union(
      [
        Type.Literal('binary'),
        Type.Literal('multiclass'),
        Type.Literal('regression'),
        Type.Literal('ranking'),
      ],
      {
        description: 'when the format does not say (ONNX outputs)',
      },
    ),
  ),
  classes: Type.Optional(Type.String({ description: 'comma-separated class labels in probability order' })),
});

const ImportResult = Type.Object({
  version: ModelVersion,
  runId: Type.String(),
  flavor: Type.String(),
  family: Type.String(),
  task: Type.String(),
  signature: Signature,
  example: Type.Object({
    rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    result: Prediction,
    synthetic: Type.Boolean({
      description: 'true when the model had no input example and ran on a row built from its signature',
    }),
  }),
  warnings: Type.Array(Type.String()),
});

const PackageInfo = Type.Object({
  version: ModelVersion,
  manifest: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'lathe-model.json without the weights table: flavor, family, task, signature, inputExample, training…',
  }),
  files: Type.Array(Type.Object({ path: Type.String(), size: Type.Number() })),
  size: Type.Number({ description: 'bytes' }),
});

const PredictBody = Type.Object(
  {
    rows: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 10_000 })),
    columns: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
    data: Type.Optional(Type.Array(Type.Array(Type.Unknown()), { maxItems: 10_000 })),
    numericStrings: Type.Optional(Type.Boolean({ description: 'read "3.5" in numeric columns as 3.5' })),
  },
  { additionalProperties: false },
);

/** Rows from `{rows}` or `{columns, data}`. */
function bodyRows(body: Static<typeof PredictBody>): Record<string, unknown>[] {
  if (body.rows && !body.columns && !body.data) return body.rows;
  if (body.columns && body.data && !body.rows)
    return body.data.map((values, i) => {
      if (values.length !== body.columns!.length)
        throw new LatheError(
          'MODEL_INPUT_INVALID',
          `data row ${i} has ${values.length} values; columns names ${body.columns!.length}`,
          { row: i },
        );
      return Object.fromEntries(body.columns!.map((c, j) => [c, values[j]]));
    });
  throw new LatheError(
    'INVALID_ARGUMENT',
    'send either {"rows": [{column: value, …}, …]} or {"columns": [names], "data": [[values], …]}',
  );
}

/** Reads a request body into memory, refusing it past `max` bytes (by its length header first). */
async function readBody(body: Readable, declared: string | undefined, max: number): Promise<Uint8Array> {
  const tooLarge = (what: string) =>
    new LatheError(
      'PAYLOAD_TOO_LARGE',
      `the model upload is ${what}, larger than the ${max}-byte limit (server.modelUploadLimitBytes)`,
    );
  if (declared !== undefined && Number(declared) > max) {
    body.resume();
    throw tooLarge(`${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of body) {
    seen += (chunk as Buffer).length;
    if (seen > max) {
      body.destroy();
      throw tooLarge(`over ${seen} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * `/api/v1/models/{name}/import` (a model file or a tar of a model directory, any flavor),
 * `/api/v1/models/{name}/versions/{version}/package` and `…/predict`.
 */
export const modelPackageRoutes: FastifyPluginAsyncTypebox<{
  models: ModelService;
  uploadLimitBytes: number;
}> = async (app, { models, uploadLimitBytes }) => {
  app.get(
    '/api/v1/models/:name/versions/:version/package',
    {
      schema: {
        tags,
        summary: "A version's model package: flavor, signature, input example, files and size",
        params: RefParams,
        response: { 200: PackageInfo },
      },
      config: { permission: 'read' },
    },
    async (req) => models.describe(`${req.params.name}@${req.params.version}`),
  );

  app.post(
    '/api/v1/models/:name/versions/:version/predict',
    {
      schema: {
        tags,
        summary: 'Predict rows with a registered version (signature enforced)',
        description:
          'Rows as objects (`{"rows": [...]}`) or columns and values (`{"columns": [...], "data": [[...]]}`). ' +
          'Missing required columns are refused, listing them; extra columns are ignored with a warning.',
        params: RefParams,
        body: PredictBody,
        response: {
          200: Type.Composite([
            Prediction,
            Type.Object({ model: Type.Object({ name: Type.String(), version: Type.Number() }) }),
          ]),
        },
      },
      config: { permission: 'read' },
    },
    async (req) =>
      nanAsNull(
        await models.predict(`${req.params.name}@${req.params.version}`, bodyRows(req.body), {
          numericStrings: req.body.numericStrings === true,
        }),
      ),
  );

  await app.register(async (scope) => {
    // The body is the model file (or a tar of its directory), read whatever its content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post(
      '/api/v1/models/:name/import',
      {
        schema: {
          tags,
          summary: 'Import a model file or directory (any flavor) as a new registered version',
          description:
            'The body is the model file (ONNX, XGBoost JSON/UBJSON, LightGBM text, a Lathe package) or, with ' +
            '`Content-Type: application/x-tar`, a tar of a model directory (an MLflow model, a Lathe package). ' +
            'The flavor is detected unless given; the model is loaded and run on its input example before a ' +
            'version is created, so a model that fails registers nothing. Pickles are refused.',
          params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }) }),
          querystring: ImportQuery,
          response: { 201: ImportResult },
        },
        config: { permission: 'write' },
      },
      async (req, reply) => {
        const q = req.query as Static<typeof ImportQuery>;
        const { name } = req.params as { name: string };
        const body = req.body instanceof Readable ? req.body : req.raw;
        const bytes = await readBody(body, req.headers['content-length'], uploadLimitBytes);
        if (bytes.length === 0)
          throw new LatheError(
            'INVALID_ARGUMENT',
            'the request body is empty; send the model file (or a tar of its directory)',
          );
        const isTar = /^application\/(x-)?tar\b/.test(req.headers['content-type'] ?? '');
        const filename =
          q.filename
            .split(/[\\/]/)
            .pop()!
            .replace(/\.tar$/, '') || 'model';
        const source: ModelSource = {
          name: filename,
          files: isTar ? readTar(bytes) : new Map([[filename, bytes]]),
        };
        const result = await models.importModel(
          source,
          {
            name,
            ...(q.flavor ? { flavor: q.flavor } : {}),
            ...(q.run ? { runId: q.run } : {}),
            ...(q.experiment ? { experiment: q.experiment } : {}),
            ...(q.description ? { description: q.description } : {}),
            ...(q.task ? { task: q.task as ModelTask } : {}),
            ...(q.classes ? { classes: q.classes.split(',').map((c) => c.trim()) } : {}),
          },
          principalOf(req),
        );
        return reply.code(201).send(result);
      },
    );
  });
};
