import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type CheckName, checkNames, type DataService } from '../../../data/index.js';
import { principalOf } from '../../plugins/auth.js';
import { refOf, tags, VersionParams } from './data-schemas.js';

const Status = Type.Union(
  [
    Type.Literal('pass'),
    Type.Literal('warn'),
    Type.Literal('fail'),
    Type.Literal('error'),
    Type.Literal('skipped'),
  ],
  {
    description: '`error`: the check could not run; `skipped`: it does not apply (no target, no reference…)',
  },
);
const Overall = Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail')], {
  description: '`fail` when any check failed or errored, else `warn` when any warned',
});
const Thresholds = Type.Object(
  {
    op: Type.Union([Type.Literal('>'), Type.Literal('>='), Type.Literal('<')]),
    warn: Type.Union([Type.Number(), Type.Null()]),
    fail: Type.Union([Type.Number(), Type.Null()]),
  },
  { description: 'the value crosses a threshold when `value op threshold`; null: never' },
);
const Details = Type.Record(Type.String(), Type.Unknown());
const ColumnResult = Type.Object({
  column: Type.String(),
  status: Status,
  value: Type.Union([Type.Number(), Type.Null()]),
  count: Type.Optional(Type.Number({ description: 'rows concerned' })),
  message: Type.String(),
  rows: Type.Optional(Type.Array(Type.Integer(), { description: 'example 1-based row numbers' })),
  examples: Type.Optional(
    Type.Array(Type.Unknown(), { description: 'example values; never for columns flagged as personal data' }),
  ),
  details: Type.Optional(Details),
});
const CheckResult = Type.Object({
  index: Type.Integer({ description: 'position in the suite, from 0' }),
  check: Type.Unsafe<CheckName>({ type: 'string', enum: [...checkNames] }),
  name: Type.String(),
  status: Status,
  value: Type.Union([Type.Number(), Type.Null()], { description: 'the measured value (the worst column’s)' }),
  thresholds: Type.Union([Thresholds, Type.Null()]),
  message: Type.String(),
  columns: Type.Array(ColumnResult),
  details: Type.Optional(Details),
  ms: Type.Number(),
});
const Spec = Type.Object({
  check: Type.String(),
  name: Type.String(),
  thresholds: Type.Optional(Thresholds),
  severity: Type.Optional(Type.Union([Type.Literal('warn'), Type.Literal('fail')])),
  options: Details,
});
const Suite = Type.Object({
  reference: Type.String(),
  target: Type.Optional(Type.String()),
  checks: Type.Array(Spec),
});
const Summary = Type.Object({
  pass: Type.Integer(),
  warn: Type.Integer(),
  fail: Type.Integer(),
  error: Type.Integer(),
  skipped: Type.Integer(),
});
const runFields = {
  id: Type.String(),
  ref: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  status: Overall,
  summary: Summary,
  reference: Type.Union([Type.String(), Type.Null()]),
  rows: Type.Integer(),
  durationMs: Type.Number(),
  createdAt: Type.String(),
  createdBy: Type.String(),
};
const RunSummary = Type.Object(runFields);
const Run = Type.Object({ ...runFields, suite: Suite, results: Type.Array(CheckResult) });
const SuiteBody = Type.Union(
  [
    Type.Object(
      { suite: Type.String({ maxLength: 1_000_000, description: 'the suite as YAML or JSON text' }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        reference: Type.Optional(
          Type.String({ description: '`previous` (default) or a version, e.g. customers@3' }),
        ),
        target: Type.Optional(Type.String()),
        checks: Type.Optional(
          Type.Array(
            Type.Object(
              { check: Type.String({ description: checkNames.join(', ') }) },
              { additionalProperties: true },
            ),
            { description: 'omitted: the default suite' },
          ),
        ),
      },
      { additionalProperties: true },
    ),
  ],
  { description: 'a suite object, `{ "suite": "<YAML text>" }`, or nothing for the default suite' },
);

/** `/api/v1/datasets/:name/versions/:version/checks`: quality-check runs of a version. */
export const checkRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  // A YAML body is a suite's text.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, { suite: body }),
  );
  // No body is the default suite.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.body === undefined) req.body = {};
  });

  app.post(
    '/api/v1/datasets/:name/versions/:version/checks',
    {
      schema: {
        tags,
        summary: 'Run a quality-check suite on a version and store the run',
        description:
          'The body is a suite (JSON), `{ "suite": "<YAML or JSON text>" }`, a YAML body ' +
          '(`content-type: application/yaml`), or nothing for the default suite. The run is stored and ' +
          'answered with 200 whatever its status: failing checks are a result, not an error. An invalid ' +
          'suite (unknown check, field or column, wrong type) is a 400 naming the check index and field.',
        params: VersionParams,
        body: SuiteBody,
        response: { 200: Run },
      },
      config: { permission: 'write' },
    },
    async (req) => data.check(refOf(req.params), req.body, principalOf(req)),
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version/checks',
    {
      schema: {
        tags,
        summary: 'The stored check runs of a version, newest first',
        params: VersionParams,
        response: { 200: Type.Object({ runs: Type.Array(RunSummary) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ runs: await data.checkRuns(refOf(req.params)) }),
  );

  app.get(
    '/api/v1/datasets/:name/versions/:version/checks/:id',
    {
      schema: {
        tags,
        summary: 'One stored check run with its suite and results',
        params: Type.Intersect([VersionParams, Type.Object({ id: Type.String({ maxLength: 64 }) })]),
        response: { 200: Run },
      },
      config: { permission: 'read' },
    },
    async (req) => data.checkRun(refOf(req.params), req.params.id),
  );
};
