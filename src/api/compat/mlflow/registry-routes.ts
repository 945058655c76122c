import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RegistryService } from '../../../registry/index.js';
import { principalOf } from '../../plugins/auth.js';
import { endpoint, keyValues, optInt, optList, optString, reqString } from './mlflow-json.js';
import { modelVersionJson, optBool, registeredModelJson, versionArg } from './registry-json.js';

export interface RegistryRoutesOptions {
  registry: RegistryService;
}

/** MLflow REST 2.0 model registry: registered models, versions, tags, aliases, stages, search. */
export async function registryRoutes(app: FastifyInstance, opts: RegistryRoutesOptions): Promise<void> {
  const { registry } = opts;
  const { models, versions } = registry;
  const actor = (req: FastifyRequest) => principalOf(req);

  // Registered models
  const rm = '/registered-models';
  endpoint(app, ['POST'], `${rm}/create`, 'write', 'Create a registered model', async (a, req) => ({
    registered_model: registeredModelJson(
      await models.create(
        { name: reqString(a, 'name'), tags: keyValues(a, 'tags'), description: optString(a, 'description') },
        actor(req),
      ),
    ),
  }));
  endpoint(app, ['GET'], `${rm}/get`, 'read', 'Get a registered model', async (a) => ({
    registered_model: registeredModelJson(await models.get(reqString(a, 'name'))),
  }));
  endpoint(app, ['POST'], `${rm}/rename`, 'write', 'Rename a registered model', async (a, req) => ({
    registered_model: registeredModelJson(
      await models.rename(reqString(a, 'name'), optString(a, 'new_name'), actor(req)),
    ),
  }));
  endpoint(
    app,
    ['PATCH'],
    `${rm}/update`,
    'write',
    'Update the description of a registered model',
    async (a, req) => ({
      registered_model: registeredModelJson(
        await models.update(reqString(a, 'name'), optString(a, 'description'), actor(req)),
      ),
    }),
  );
  endpoint(
    app,
    ['DELETE'],
    `${rm}/delete`,
    'write',
    'Delete a registered model and its versions',
    async (a, req) => {
      await models.delete(reqString(a, 'name'), actor(req));
    },
  );
  endpoint(app, ['GET'], `${rm}/search`, 'read', 'Search registered models', async (a) => {
    const page = await models.search({
      filter: optString(a, 'filter'),
      maxResults: optInt(a, 'max_results'),
      orderBy: optList(a, 'order_by').map(String),
      pageToken: optString(a, 'page_token'),
    });
    return {
      ...(page.items.length ? { registered_models: page.items.map(registeredModelJson) } : {}),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });
  endpoint(
    app,
    ['POST', 'GET'],
    `${rm}/get-latest-versions`,
    'read',
    'The latest version of a registered model in each stage',
    async (a) => {
      const latest = await versions.latest(reqString(a, 'name'), optList(a, 'stages'));
      return latest.length ? { model_versions: latest.map(modelVersionJson) } : {};
    },
  );
  endpoint(app, ['POST'], `${rm}/set-tag`, 'write', 'Set a tag on a registered model', async (a, req) => {
    await models.setTag(
      reqString(a, 'name'),
      { key: reqString(a, 'key'), value: optString(a, 'value') ?? '' },
      actor(req),
    );
  });
  endpoint(
    app,
    ['DELETE'],
    `${rm}/delete-tag`,
    'write',
    'Delete a tag of a registered model',
    async (a, req) => {
      await models.deleteTag(reqString(a, 'name'), reqString(a, 'key'), actor(req));
    },
  );
  endpoint(app, ['POST'], `${rm}/alias`, 'write', 'Point an alias at a model version', async (a, req) => {
    await models.setAlias(reqString(a, 'name'), reqString(a, 'alias'), versionArg(a), actor(req));
  });
  endpoint(
    app,
    ['DELETE'],
    `${rm}/alias`,
    'write',
    'Delete an alias of a registered model',
    async (a, req) => {
      await models.deleteAlias(reqString(a, 'name'), reqString(a, 'alias'), actor(req));
    },
  );
  endpoint(app, ['GET'], `${rm}/alias`, 'read', 'Get the model version an alias points at', async (a) => ({
    model_version: modelVersionJson(await models.getByAlias(reqString(a, 'name'), reqString(a, 'alias'))),
  }));

  // Model versions
  const mv = '/model-versions';
  endpoint(app, ['POST'], `${mv}/create`, 'write', 'Create a model version', async (a, req) => ({
    model_version: modelVersionJson(
      await versions.create(
        {
          name: reqString(a, 'name'),
          source: reqString(a, 'source'),
          runId: optString(a, 'run_id'),
          runLink: optString(a, 'run_link'),
          description: optString(a, 'description'),
          tags: keyValues(a, 'tags'),
        },
        actor(req),
      ),
    ),
  }));
  endpoint(app, ['GET'], `${mv}/get`, 'read', 'Get a model version', async (a) => ({
    model_version: modelVersionJson(await versions.get(reqString(a, 'name'), versionArg(a))),
  }));
  endpoint(
    app,
    ['PATCH'],
    `${mv}/update`,
    'write',
    'Update the description of a model version',
    async (a, req) => ({
      model_version: modelVersionJson(
        await versions.update(reqString(a, 'name'), versionArg(a), optString(a, 'description'), actor(req)),
      ),
    }),
  );
  endpoint(app, ['DELETE'], `${mv}/delete`, 'write', 'Delete a model version', async (a, req) => {
    await versions.delete(reqString(a, 'name'), versionArg(a), actor(req));
  });
  endpoint(app, ['GET'], `${mv}/search`, 'read', 'Search model versions', async (a) => {
    const page = await versions.search({
      filter: optString(a, 'filter'),
      maxResults: optInt(a, 'max_results'),
      orderBy: optList(a, 'order_by').map(String),
      pageToken: optString(a, 'page_token'),
    });
    return {
      ...(page.items.length ? { model_versions: page.items.map(modelVersionJson) } : {}),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });
  endpoint(
    app,
    ['POST'],
    `${mv}/transition-stage`,
    'write',
    'Move a model version to a stage',
    async (a, req) => ({
      model_version: modelVersionJson(
        await versions.transitionStage(
          reqString(a, 'name'),
          versionArg(a),
          reqString(a, 'stage'),
          optBool(a, 'archive_existing_versions') ?? false,
          actor(req),
        ),
      ),
    }),
  );
  endpoint(
    app,
    ['GET'],
    `${mv}/get-download-uri`,
    'read',
    'Where the artifacts of a model version are',
    async (a) => ({
      artifact_uri: await versions.downloadUri(reqString(a, 'name'), versionArg(a)),
    }),
  );
  endpoint(app, ['POST'], `${mv}/set-tag`, 'write', 'Set a tag on a model version', async (a, req) => {
    await versions.setTag(
      reqString(a, 'name'),
      versionArg(a),
      { key: reqString(a, 'key'), value: optString(a, 'value') ?? '' },
      actor(req),
    );
  });
  endpoint(
    app,
    ['DELETE'],
    `${mv}/delete-tag`,
    'write',
    'Delete a tag of a model version',
    async (a, req) => {
      await versions.deleteTag(reqString(a, 'name'), versionArg(a), reqString(a, 'key'), actor(req));
    },
  );
}
