import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { type DataService, maxLineageDepth } from '../../../data/index.js';
import { refOf, tags, Version, VersionParams } from './data-schemas.js';

const End = Type.Object({
  type: Type.String({ description: '`dataset_version`, `run`, `model_version`…' }),
  id: Type.String({ description: 'for a dataset version, `name@version`' }),
});
const nodeFields = {
  ...End.properties,
  distance: Type.Integer({
    description: 'generations from the version: -1 parents, -2 theirs…, 0 the version, 1 children…',
  }),
  version: Type.Optional(Version),
};
const Node = Type.Object(nodeFields);
const linkFields = {
  kind: Type.String({
    description:
      'how: between dataset versions `recipe`, `join`, `append` or `derived`; otherwise the pair of types (`dataset_version→run`)',
  }),
  createdAt: Type.String(),
};
const Link = Type.Object({ ...nodeFields, ...linkFields });
const Edge = Type.Object({ src: End, dst: End, ...linkFields });
const Lineage = Type.Object({
  ref: Type.String(),
  depth: Type.Integer(),
  parents: Type.Array(Link, { description: 'what the version was made from' }),
  children: Type.Array(Link, { description: 'what was made from it, in any dataset, or used it' }),
  nodes: Type.Array(Node, { description: 'every node within `depth`, the version first' }),
  edges: Type.Array(Edge, { description: 'every edge between the nodes, oldest first' }),
  truncated: Type.Boolean({ description: 'true when the walk stopped at 500 nodes' }),
});

/** `GET /api/v1/datasets/:name/versions/:version/lineage`: parents and children across datasets. */
export const lineageRoutes: FastifyPluginAsyncTypebox<{ data: DataService }> = async (app, { data }) => {
  app.get(
    '/api/v1/datasets/:name/versions/:version/lineage',
    {
      schema: {
        tags,
        summary: "A version's lineage: what it was made from and what was made from it, across datasets",
        description:
          'Every lineage edge whose source or target is this version (and, with `depth` > 1, the edges of ' +
          'those nodes, up and down): versions of any dataset made from it by recipes, appended batches, ' +
          'versions joined in, and other objects recorded as using it. Dataset versions come with their ' +
          'summary (rows, columns, source).',
        params: VersionParams,
        querystring: Type.Object({
          depth: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: maxLineageDepth,
              description: 'generations to follow each way (default 1)',
            }),
          ),
        }),
        response: { 200: Lineage },
      },
      config: { permission: 'read' },
    },
    async (req) => data.lineage(refOf(req.params), req.query.depth),
  );
};
