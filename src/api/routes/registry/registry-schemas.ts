import { Type } from '@sinclair/typebox';
import { webhookEvents } from '../../../registry/index.js';
import { KeyValue } from '../tracking/tracking-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** A model version as Lathe's API returns it; times are epoch milliseconds (UTC). */
export const ModelVersion = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  creationTimestamp: Type.Integer(),
  lastUpdatedTimestamp: Type.Integer(),
  userId: Type.String(),
  currentStage: Type.String(),
  description: Type.String(),
  source: Type.String(),
  runId: Nullable(Type.String()),
  runLink: Nullable(Type.String()),
  status: Type.String(),
  statusMessage: Nullable(Type.String()),
  tags: Type.Array(KeyValue),
  aliases: Type.Array(Type.String()),
});

export const ModelAlias = Type.Object({ alias: Type.String(), version: Type.Integer() });

/** A registered model as listed. */
export const RegisteredModel = Type.Object({
  name: Type.String(),
  creationTimestamp: Type.Integer(),
  lastUpdatedTimestamp: Type.Integer(),
  description: Type.String(),
  userId: Type.String(),
  latestVersions: Type.Array(ModelVersion),
  tags: Type.Array(KeyValue),
  aliases: Type.Array(ModelAlias),
});

/** One line of a model's version summary. */
export const VersionSummary = Type.Object({
  version: Type.Integer(),
  currentStage: Type.String(),
  aliases: Type.Array(Type.String()),
  source: Type.String(),
  runId: Nullable(Type.String()),
  status: Type.String(),
  creationTimestamp: Type.Integer(),
});

/** A registered model with every live version summarised, newest first. */
export const ModelDetails = Type.Composite([
  RegisteredModel,
  Type.Object({ versions: Type.Array(VersionSummary) }),
]);

export const SearchQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 4000 })),
    orderBy: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1 })),
    pageToken: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }) });
export const VersionParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  version: Type.Integer({ minimum: 1 }),
});

export const LineageNode = Type.Object({
  type: Type.String(),
  id: Type.String(),
  /** When the edge was recorded (epoch ms, UTC). */
  createdAt: Type.Integer(),
  /** Dataset name and digest, for dataset nodes. */
  name: Type.Optional(Type.String()),
  digest: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
});

export const Lineage = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  runId: Nullable(Type.String()),
  upstream: Type.Array(LineageNode),
  downstream: Type.Array(LineageNode),
});

export const AuditEvent = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  tokenId: Nullable(Type.String()),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  requestId: Nullable(Type.String()),
});

export const WebhookEventName = Type.Union(webhookEvents.map((e) => Type.Literal(e)));

export const Webhook = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.Integer(),
});

/** Path parameters of a version reference: a model name and a version number, alias or `latest`. */
export const RefParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  version: Type.String({
    minLength: 1,
    maxLength: 256,
    description: 'a version number, an alias, or latest',
  }),
});
