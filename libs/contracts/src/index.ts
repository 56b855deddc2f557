export * from './gen/af/v1/common_pb.js';
export * from './gen/af/v1/blueprints_pb.js';
export * from './gen/af/v1/validation_pb.js';
export * from './gen/af/v1/compilation_pb.js';
export * from './gen/af/v1/deployments_pb.js';
export * from './gen/af/v1/runs_pb.js';
export * from './gen/af/v1/health_pb.js';
export * from './gen/af/v1/memory_pb.js';
export * from './gen/af/v1/deadletters_pb.js';
export {
  requestSubjects,
  eventSubjects,
  isRequestSubject,
  isEventSubject,
  suffixedSignals,
  suffixedSubject,
  type RequestSubject,
  type EventSubject,
  type DurableEventSubject,
  type RequestSchema,
  type ResponseSchema,
  type EventSchema,
} from './subjects.js';
export {
  streams,
  consumers,
  kvBuckets,
  consumersOwnedBy,
  retiredConsumers,
  queueGroupOf,
  type StreamDefinition,
  type StreamName,
  type ConsumerDefinition,
  type ConsumerName,
  type KvBucketDefinition,
} from './streams.js';
export { serviceNames, optionalServiceNames, defaultHttpPorts, type ServiceName } from './services.js';
export { type TenantId, TENANT_ID_PATTERN, isTenantId, parseTenantId, activeDeploymentKey } from './tenant.js';
export { Headers } from './headers.js';
export { ARTIFACT_FORMAT, type ArtifactApprovalPolicy, type ArtifactContext, type ArtifactCredential, type ArtifactDocument, type ArtifactTool, type PromptSegment, type JsonValue, type JsonSchema } from './artifact.js';
export * from './gen/af/v1/governance_pb.js';
export * from './gen/af/v1/audit_pb.js';
export * from './gen/af/v1/metering_pb.js';
export * from './gen/af/v1/secrets_pb.js';
export * from './gen/af/v1/webhooks_pb.js';
export * from './gen/af/v1/triggers_pb.js';
export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, isPermission, isRole, permissionsOf, type Permission, type Role } from './permissions.js';
export {
  requestCallers,
  eventPublishers,
  signalSubscribers,
  kvAccess,
  jetStreamAccess,
  natsPermissionsOf,
  inboxPrefixOf,
  renderNatsAuthorization,
  type NatsPermissions,
  type NatsAccessOptions,
  type NatsUser,
} from './access.js';
