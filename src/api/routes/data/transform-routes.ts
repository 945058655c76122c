import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { DataService } from '../../../data/index.js';
import { principalOf } from '../../plugins/auth.js';
import { refOf, tags, VersionParams, versionFields } from './data-schemas.js';

const Version = Type.Object({
  ...versionFields,
  recipe: Type.Unknown({
    description: 'the fitted recipe artifact, the version it was fitted on, the split',
  }),
});
const Result = Type.Object({
  input: Type.String({ description: 'the version the recipe was fitted on and applied to' }),
  joined: Type.Array(Type.String(), { description: 'versions joined in' }),
  artifact: Type.String({
    description: 'digest of the fitted recipe (GET …/recipe on an output answers it)',
  }),
  outputs: Type.Array(
    Type.Object({
      split: Type.Union([Type.String(), Type.Null()]),
      created: Type.Boolean({ description: 'false when equal content existed: that version is answered' }),
      version: Version,
    }),
  ),
});

/** `/api/v1/datasets/:name/versions/:version/{transform,recipe}`: transform recipes. */
export const transformRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  app.post(
    '/api/v1/datasets/:name/versions/:version/transform',
    {
      schema: {
        tags,
        summary: 'Apply a transform recipe: fit it on this version and record the result as new versions',
        description:
          'The body is the recipe as JSON (`{"version": 1, "steps": [...], "split": {...}, "output": "name"}`), ' +
          'or `{"recipe": "<YAML or JSON text>"}`, or the YAML text itself as text/plain. Answers 201 with the ' +
          'created versions (one per split), or 200 when every output equals an existing version. A recipe ' +
          'that is malformed or does not fit the data answers 422 RECIPE_INVALID, and no version is made.',
        params: VersionParams,
        querystring: Type.Object({ message: Type.Optional(Type.String({ maxLength: 4096 })) }),
        body: Type.Union([
          Type.Object({}, { additionalProperties: true }),
          Type.String({ maxLength: 1_000_000 }),
        ]),
        response: { 200: Result, 201: Result },
      },
      config: { permission: 'write' },
    },
    async (req, reply) => {
      const result = await data.transform(refOf(req.params), req.body, principalOf(req), {
        ...(req.query.message !== undefined ? { message: req.query.message } : {}),
      });
      return reply.code(result.outputs.some((o) => o.created) ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version/recipe',
    {
      schema: {
        tags,
        summary: 'The fitted recipe of a version a recipe produced (404 for other versions)',
        description:
          'Plain JSON: the recipe, the parameters learned on the version it was fitted on (means, categories, ' +
          'bin edges…), and its input and output columns. `applyFittedRecipe` in the SDK applies it to rows.',
        params: VersionParams,
        response: { 200: Type.Unknown() },
      },
      config: { permission: 'read' },
    },
    async (req) => data.fittedRecipe(refOf(req.params)),
  );
};
