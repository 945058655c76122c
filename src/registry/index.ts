export type { LineageNode, VersionLineage } from './lineage.js';
export { ModelVersions } from './model-versions.js';
export { RegisteredModels } from './registered-models.js';
export { RegistryService, type RegistryServiceOptions } from './registry-service.js';
export { versionLineageId } from './registry-rows.js';
export {
  canonicalStage,
  parseModelRef,
  registryLimits,
  validateAlias,
  validateTag,
  validateVersion,
} from './registry-validation.js';
export * from './types.js';
export {
  type CreateWebhookInput,
  type DeliveryReport,
  signPayload,
  Webhooks,
  type WebhooksOptions,
  type WebhookSubscription,
} from './webhooks.js';
export { type Approval, checkPolicy, type GatePolicy, Gates, type GateStatus } from './gates.js';
