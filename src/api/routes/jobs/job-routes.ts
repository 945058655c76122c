import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Job, JobService } from '../../../jobs/index.js';
import type { TrainingService } from '../../../training/index.js';
import { principalOf } from '../../plugins/auth.js';

const tags = ['jobs'];

const JobSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'train, tune, automl, explain' }),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  spec: Type.Unknown({ description: 'what was asked, as validated' }),
  progress: Type.Union([
    Type.Null(),
    Type.Object({
      phase: Type.String(),
      message: Type.Optional(Type.String()),
      done: Type.Optional(Type.Number()),
      total: Type.Optional(Type.Number()),
      metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
      etaSeconds: Type.Optional(Type.Number()),
      updatedAt: Type.String(),
    }),
  ]),
  result: Type.Unknown({
    description: 'what the job produced (a training job: run id, metrics, registered version…)',
  }),
  error: Type.Union([Type.Null(), Type.Object({ code: Type.String(), message: Type.String() })]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
});
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

const finished = (j: Job) => j.status !== 'queued' && j.status !== 'running';

/** `/api/v1/jobs`: background jobs (training, tuning, AutoML); `/api/v1/training/models`: the model families. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService; training: TrainingService }> = async (
  app,
  { jobs, training },
) => {
  app.get(
    '/api/v1/training/models',
    {
      schema: {
        tags,
        summary: 'The model families training can fit, with their tasks and hyperparameters',
        response: {
          200: Type.Object({
            models: Type.Array(
              Type.Object({
                name: Type.String(),
                summary: Type.String(),
                tasks: Type.Array(Type.String()),
                params: Type.Record(Type.String(), Type.String()),
              }),
            ),
          }),
        },
      },
      config: { permission: 'read' },
    },
    async () => ({ models: training.families() }),
  );

  app.post(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        summary:
          'Start a job: validated at once (400 names the bad field), then queued; answers 202 with the job',
        description:
          'A training job: `{"kind": "train", "spec": {"data": "churn@3", "target": "churned", "model": "gbdt", ' +
          '"params": {"rounds": 200}, "cv": 5, "register": "churn"}}`. Watch it with GET /api/v1/jobs/{id} or ' +
          'the event stream GET /api/v1/jobs/{id}/events; stop it with POST /api/v1/jobs/{id}/cancel.',
        body: Type.Object({ kind: Type.String({ maxLength: 64 }), spec: Type.Unknown() }),
        response: { 202: JobSchema },
      },
      config: { permission: 'write' },
    },
    async (req, reply) =>
      reply.code(202).send(await jobs.start(req.body.kind, req.body.spec, principalOf(req))),
  );

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags,
        summary: 'Jobs, newest first',
        querystring: Type.Object({
          kind: Type.Optional(Type.String({ maxLength: 64 })),
          status: Type.Optional(Type.String({ maxLength: 16 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ jobs: Type.Array(JobSchema) }) },
      },
      config: { permission: 'read' },
    },
    async (req) => ({ jobs: await jobs.list(req.query) }),
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      schema: {
        tags,
        summary: 'One job with its latest progress',
        params: Params,
        response: { 200: JobSchema },
      },
      config: { permission: 'read' },
    },
    async (req) => jobs.get(req.params.id),
  );

  app.post(
    '/api/v1/jobs/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a queued or running job (409 when it has finished)',
        params: Params,
        response: { 200: JobSchema },
      },
      config: { permission: 'write' },
    },
    async (req) => jobs.cancel(req.params.id, principalOf(req)),
  );

  app.get(
    '/api/v1/jobs/:id/events',
    {
      schema: {
        tags,
        summary: 'Server-sent events: the job as JSON on every change, until it finishes',
        description: 'Each event is `data: <job JSON>`; the stream ends after the final status.',
        params: Params,
      },
      config: { permission: 'read' },
    },
    async (req, reply) => {
      const first = await jobs.get(req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': String(req.id),
      });
      // Writes after the end (the client left, or the final event was sent) are dropped.
      const send = (job: Job) => {
        if (!res.writableEnded && !res.destroyed) res.write(`data: ${JSON.stringify(job)}\n\n`);
      };
      const end = () => {
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      let unsubscribe = () => {};
      send(first);
      if (finished(first)) return end();
      let last = 0;
      unsubscribe = jobs.subscribe(first.id, (job) => {
        const now = Date.now();
        // Progress at most 5 times a second; status changes always.
        if (!finished(job) && job.status === 'running' && now - last < 200) return;
        last = now;
        send(job);
        if (finished(job)) end();
      });
      req.raw.on('close', unsubscribe);
      // The job may have finished between get() and subscribe() (then the listener never fires).
      const now = await jobs.get(first.id);
      if (finished(now) && !res.writableEnded) {
        send(now);
        end();
      }
    },
  );
};
