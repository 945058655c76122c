import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ValidationService } from '../../../validation/index.js';

/**
 * `/api/v1/validation/checks`: the validation checks and their parameters. Validations run as
 * jobs: `POST /api/v1/jobs` with `{"kind": "validate", "spec": {"model": "churn@3", "test":
 * "churn-test@2", "suite": {...}}}`.
 */
export const validationRoutes: FastifyPluginAsyncTypebox<{ validation: ValidationService }> = async (
  app,
  { validation },
) => {
  app.get(
    '/api/v1/validation/checks',
    {
      schema: {
        tags: ['validation'],
        summary:
          'The validation checks a suite can name, with their tasks and parameters (defaults included)',
        description:
          'Run a suite with `POST /api/v1/jobs` and `{"kind": "validate", "spec": {"model": "NAME@VERSION", "test": ' +
          '"DATASET@V", "train": "DATASET@V", "production": "DATASET@V", "baseline": "NAME@champion", "suite": {"checks": [...]}}}`; the job ' +
          "answers the report and stores it on the model version's run.",
        response: {
          200: Type.Object({
            checks: Type.Array(
              Type.Object({
                name: Type.String(),
                title: Type.String(),
                description: Type.String(),
                tasks: Type.Array(Type.String()),
                params: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async () => ({ checks: validation.list() }),
  );
};
