import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LatheError } from '../../../core/index.js';
import type { TrackingService, ViewType } from '../../../tracking/index.js';
import { principalOf } from '../../plugins/auth.js';
import {
  datasetsArg,
  endpoint,
  experimentJson,
  metricJson,
  keyValues,
  metricsArg,
  optInt,
  optList,
  optString,
  reqDouble,
  reqInt,
  reqString,
  runIdOf,
  runInfoJson,
  runJson,
} from './mlflow-json.js';

/** MLflow REST 2.0: experiments, runs, metrics. */
export async function trackingRoutes(
  app: FastifyInstance,
  { tracking }: { tracking: TrackingService },
): Promise<void> {
  const { experiments, runs } = tracking;
  const actor = (req: FastifyRequest) => principalOf(req);

  endpoint(app, ['POST'], '/experiments/create', 'write', 'Create an experiment', async (a, req) => ({
    experiment_id: await experiments.create(
      {
        name: a.name,
        artifactLocation: optString(a, 'artifact_location') || undefined,
        tags: keyValues(a, 'tags'),
      },
      actor(req),
    ),
  }));
  endpoint(app, ['GET'], '/experiments/get', 'read', 'Get an experiment', async (a) => ({
    experiment: experimentJson(await experiments.get(reqString(a, 'experiment_id'))),
  }));
  endpoint(app, ['GET'], '/experiments/get-by-name', 'read', 'Get an experiment by name', async (a) => ({
    experiment: experimentJson(await experiments.getByName(reqString(a, 'experiment_name'))),
  }));
  endpoint(app, ['POST'], '/experiments/update', 'write', 'Rename an experiment', async (a, req) => {
    await experiments.rename(reqString(a, 'experiment_id'), optString(a, 'new_name'), actor(req));
  });
  endpoint(app, ['POST'], '/experiments/delete', 'write', 'Delete an experiment (soft)', async (a, req) => {
    await experiments.setLifecycle(reqString(a, 'experiment_id'), 'deleted', actor(req));
  });
  endpoint(app, ['POST'], '/experiments/restore', 'write', 'Restore a deleted experiment', async (a, req) => {
    await experiments.setLifecycle(reqString(a, 'experiment_id'), 'active', actor(req));
  });
  endpoint(
    app,
    ['POST'],
    '/experiments/set-experiment-tag',
    'write',
    'Set a tag on an experiment',
    async (a, req) => {
      await experiments.setTag(
        reqString(a, 'experiment_id'),
        { key: reqString(a, 'key'), value: optString(a, 'value') ?? '' },
        actor(req),
      );
    },
  );

  endpoint(
    app,
    ['POST', 'GET'],
    '/experiments/search',
    'read',
    'Search experiments (MLflow filter syntax)',
    async (a) => {
      const page = await tracking.search.searchExperiments({
        filter: optString(a, 'filter'),
        orderBy: optList(a, 'order_by').map(String),
        viewType: viewTypeArg(a),
        maxResults: optInt(a, 'max_results'),
        pageToken: optString(a, 'page_token'),
      });
      return {
        ...(page.items.length ? { experiments: page.items.map(experimentJson) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  );

  endpoint(
    app,
    ['POST'],
    '/runs/search',
    'read',
    'Search runs (MLflow filter syntax, order_by, paging)',
    async (a) => {
      const page = await tracking.search.searchRuns({
        experimentIds: optList(a, 'experiment_ids').map((x) => x as string),
        filter: optString(a, 'filter'),
        orderBy: optList(a, 'order_by').map(String),
        viewType: viewTypeArg(a, 'run_view_type'),
        maxResults: optInt(a, 'max_results'),
        pageToken: optString(a, 'page_token'),
      });
      return {
        ...(page.items.length ? { runs: page.items.map(runJson) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  );

  endpoint(app, ['POST'], '/runs/create', 'write', 'Create a run', async (a, req) => ({
    run: runJson(
      await runs.create(
        {
          experimentId: optString(a, 'experiment_id'),
          userId: optString(a, 'user_id'),
          runName: optString(a, 'run_name'),
          startTime: optInt(a, 'start_time'),
          tags: keyValues(a, 'tags'),
        },
        actor(req),
      ),
    ),
  }));
  endpoint(app, ['GET'], '/runs/get', 'read', 'Get a run', async (a) => ({
    run: runJson(await runs.get(runIdOf(a))),
  }));
  endpoint(app, ['POST'], '/runs/update', 'write', 'Update a run: status, end time, name', async (a) => ({
    run_info: runInfoJson(
      await runs.update(runIdOf(a), {
        status: a.status ?? undefined,
        endTime: optInt(a, 'end_time'),
        runName: optString(a, 'run_name'),
      }),
    ),
  }));
  endpoint(app, ['POST'], '/runs/delete', 'write', 'Delete a run (soft)', async (a, req) => {
    await runs.setLifecycle(reqString(a, 'run_id'), 'deleted', actor(req));
  });
  endpoint(app, ['POST'], '/runs/restore', 'write', 'Restore a deleted run', async (a, req) => {
    await runs.setLifecycle(reqString(a, 'run_id'), 'active', actor(req));
  });
  endpoint(app, ['POST'], '/runs/log-metric', 'write', 'Log one metric point', async (a) => {
    await runs.logBatch(runIdOf(a), {
      metrics: [
        {
          key: reqString(a, 'key'),
          value: reqDouble(a, 'value'),
          timestamp: reqInt(a, 'timestamp'),
          step: optInt(a, 'step') ?? 0,
        },
      ],
    });
  });
  endpoint(app, ['POST'], '/runs/log-parameter', 'write', 'Log one parameter', async (a) => {
    await runs.logBatch(runIdOf(a), {
      params: [{ key: reqString(a, 'key'), value: optString(a, 'value') ?? '' }],
    });
  });
  endpoint(
    app,
    ['POST'],
    '/runs/log-batch',
    'write',
    'Log metrics, params and tags at once (atomic)',
    async (a) => {
      await runs.logBatch(reqString(a, 'run_id'), {
        metrics: metricsArg(a, 'metrics'),
        params: keyValues(a, 'params'),
        tags: keyValues(a, 'tags'),
      });
    },
  );
  endpoint(app, ['POST'], '/runs/log-inputs', 'write', 'Log dataset inputs of a run', async (a) => {
    await runs.logInputs(reqString(a, 'run_id'), datasetsArg(a));
  });
  endpoint(app, ['POST'], '/runs/set-tag', 'write', 'Set a tag on a run', async (a) => {
    await runs.logBatch(runIdOf(a), {
      tags: [{ key: reqString(a, 'key'), value: optString(a, 'value') ?? '' }],
    });
  });
  endpoint(app, ['POST'], '/runs/delete-tag', 'write', 'Delete a tag of a run', async (a) => {
    await runs.deleteTag(reqString(a, 'run_id'), reqString(a, 'key'));
  });
  endpoint(
    app,
    ['GET'],
    '/metrics/get-history',
    'read',
    'Every point of one metric of a run',
    async (a, _req, reply) => {
      const maxResults = optInt(a, 'max_results');
      if (maxResults !== undefined && (maxResults < 1 || maxResults > 25000)) {
        throw new LatheError(
          'INVALID_ARGUMENT',
          `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most 25000.`,
        );
      }
      const pageToken = optString(a, 'page_token');
      const [runId, key] = [runIdOf(a), reqString(a, 'metric_key')];
      // Histories run to 100,000s of points: unpaged, the database writes the JSON itself.
      if (maxResults === undefined && !pageToken) {
        const json = await runs.metricHistoryJson(runId, key);
        return reply.type('application/json; charset=utf-8').send(`{"metrics":${json}}`);
      }
      const page = await runs.metricHistory(runId, key, { maxResults, pageToken });
      return {
        metrics: page.items.map(metricJson),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  );
}

/** MLflow's ViewType: a name, or its proto number (1 active, 2 deleted, 3 all). */
function viewTypeArg(a: Record<string, unknown>, name = 'view_type'): ViewType | undefined {
  const v = a[name];
  if (v === undefined || v === null || v === '') return undefined;
  const byNumber: Record<string, ViewType> = { '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };
  return byNumber[String(v)] ?? (v as ViewType);
}
