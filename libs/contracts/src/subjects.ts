import type { DescMessage } from '@bufbuild/protobuf';
import {
  ArchiveBlueprintReplySchema,
  ArchiveBlueprintRequestSchema,
  BlueprintDiffReplySchema,
  BlueprintValidationReplySchema,
  BlueprintArchiveChangedSchema,
  BlueprintVersionedSchema,
  BlueprintVersionReplySchema,
  CreateBlueprintRequestSchema,
  DiffBlueprintRequestSchema,
  GetBlueprintRequestSchema,
  ListBlueprintsReplySchema,
  ListBlueprintsRequestSchema,
  ListBlueprintVersionsReplySchema,
  ListBlueprintVersionsRequestSchema,
  UpdateBlueprintRequestSchema,
  ValidateBlueprintSourceRequestSchema,
  ValidateStoredBlueprintRequestSchema,
} from './gen/af/v1/blueprints_pb.js';
import { HeartbeatSchema } from './gen/af/v1/common_pb.js';
import {
  ArtifactMetadataReplySchema,
  ArtifactReplySchema,
  CompileBlueprintRequestSchema,
  CompileReplySchema,
  CompileRequestSchema,
  GetArtifactRequestSchema,
} from './gen/af/v1/compilation_pb.js';
import {
  CreateDeploymentRequestSchema,
  AgentViewReplySchema,
  DeploymentActivatedSchema,
  DeploymentChangedSchema,
  DraftEvalsReplySchema,
  DraftEvalsRequestSchema,
  EvalReportReplySchema,
  GetAgentRequestSchema,
  PromoteDeploymentRequestSchema,
  RollbackDeploymentRequestSchema,
  RunEvalsRequestSchema,
  WarmArtifactReplySchema,
  WarmArtifactRequestSchema,
  WorkerRunEvalsRequestSchema,
  DeploymentReplySchema,
  GetDeploymentRequestSchema,
  ListDeploymentsReplySchema,
  ListDeploymentsRequestSchema,
} from './gen/af/v1/deployments_pb.js';
import { AgentStatsReplySchema, AgentStatsRequestSchema, AgentUnhealthySchema, HealthOverviewReplySchema, HealthOverviewRequestSchema, MeshStatusReplySchema, MeshStatusRequestSchema } from './gen/af/v1/health_pb.js';
import {
  CreateWebhookRequestSchema,
  GetWebhookRequestSchema,
  ListDeliveriesReplySchema,
  ListDeliveriesRequestSchema,
  ListWebhooksReplySchema,
  ListWebhooksRequestSchema,
  WebhookReplySchema,
} from './gen/af/v1/webhooks_pb.js';
import { InboundHookReplySchema, InboundHookRequestSchema, ListTriggersReplySchema, ListTriggersRequestSchema } from './gen/af/v1/triggers_pb.js';
import {
  ForgetSubjectReplySchema,
  ForgetSubjectRequestSchema,
  GetMemoryRequestSchema,
  ListEpisodesReplySchema,
  ListEpisodesRequestSchema,
  MemoryGraphReplySchema,
  MemoryGraphRequestSchema,
  MemoryItemReplySchema,
  SearchMemoryReplySchema,
  SearchMemoryRequestSchema,
  StoreMemoryReplySchema,
  StoreMemoryRequestSchema,
  WorkingMemoryReplySchema,
  WorkingMemoryRequestSchema,
} from './gen/af/v1/memory_pb.js';
import { DeadLetterRecordedSchema, ListDeadLettersReplySchema, ListDeadLettersRequestSchema, RetryDeadLetterReplySchema, RetryDeadLetterRequestSchema } from './gen/af/v1/deadletters_pb.js';
import {
  BeginStepReplySchema,
  BeginStepRequestSchema,
  CancelRunRequestSchema,
  CompleteStepReplySchema,
  CompleteStepRequestSchema,
  ListRunsReplySchema,
  ListRunsRequestSchema,
  ParkRunRequestSchema,
  ListRunTransitionsReplySchema,
  ListRunTransitionsRequestSchema,
  RunCancelledSchema,
  ExecuteRunSchema,
  GetRunRequestSchema,
  InFlightByVersionReplySchema,
  InFlightByVersionRequestSchema,
  RunFailedSchema,
  RunReplySchema,
  RunStartedSchema,
  RunTokenSchema,
  RunSucceededSchema,
  SubmitRunReplySchema,
  SubmitRunRequestSchema,
} from './gen/af/v1/runs_pb.js';
import {
  DecideEscalationRequestSchema,
  EscalationChangedSchema,
  EscalationReplySchema,
  GetEscalationRequestSchema,
  ListEscalationsReplySchema,
  ListEscalationsRequestSchema,
  OpenEscalationRequestSchema,
} from './gen/af/v1/governance_pb.js';
import { AuditEventSchema, ListAuditReplySchema, ListAuditRequestSchema, VerifyAuditReplySchema, VerifyAuditRequestSchema } from './gen/af/v1/audit_pb.js';
import {
  BudgetReplySchema,
  DeleteBudgetRequestSchema,
  ListBudgetsReplySchema,
  ListBudgetsRequestSchema,
  PutBudgetRequestSchema,
  QueryUsageReplySchema,
  QueryUsageRequestSchema,
  ReserveBudgetReplySchema,
  ReserveBudgetRequestSchema,
  SettleBudgetReplySchema,
  SettleBudgetRequestSchema,
} from './gen/af/v1/metering_pb.js';
import {
  GetSecretRequestSchema,
  ListSecretsReplySchema,
  ListSecretsRequestSchema,
  PutSecretRequestSchema,
  ResolveSecretsReplySchema,
  ResolveSecretsRequestSchema,
  SecretReplySchema,
} from './gen/af/v1/secrets_pb.js';
import { GetSchemaRequestSchema, SchemaReplySchema, ValidateBlueprintReplySchema, ValidateBlueprintRequestSchema } from './gen/af/v1/validation_pb.js';
import type { ServiceName } from './services.js';

/**
 * Queries and synchronous commands: core NATS request/reply, served by one queue group (the
 * owning service). The subject is the wire contract: never rename it, add `af.v2.…` instead.
 */
export const requestSubjects = {
  'af.v1.blueprints.create': { owner: 'blueprints', request: CreateBlueprintRequestSchema, response: BlueprintVersionReplySchema },
  'af.v1.blueprints.update': { owner: 'blueprints', request: UpdateBlueprintRequestSchema, response: BlueprintVersionReplySchema },
  'af.v1.blueprints.get': { owner: 'blueprints', request: GetBlueprintRequestSchema, response: BlueprintVersionReplySchema },
  'af.v1.validation.validate': { owner: 'validation', request: ValidateBlueprintRequestSchema, response: ValidateBlueprintReplySchema },
  'af.v1.compilation.compile': { owner: 'compilation', request: CompileRequestSchema, response: CompileReplySchema },
  'af.v1.compilation.artifact.get': { owner: 'compilation', request: GetArtifactRequestSchema, response: ArtifactReplySchema },
  'af.v1.deployments.create': { owner: 'deployment', request: CreateDeploymentRequestSchema, response: DeploymentReplySchema },
  'af.v1.deployments.get': { owner: 'deployment', request: GetDeploymentRequestSchema, response: DeploymentReplySchema },
  'af.v1.deployments.list': { owner: 'deployment', request: ListDeploymentsRequestSchema, response: ListDeploymentsReplySchema },
  'af.v1.runs.submit': { owner: 'orchestrator', request: SubmitRunRequestSchema, response: SubmitRunReplySchema },
  'af.v1.runs.get': { owner: 'orchestrator', request: GetRunRequestSchema, response: RunReplySchema },
  'af.v1.health.status': { owner: 'health', request: MeshStatusRequestSchema, response: MeshStatusReplySchema },
  'af.v1.memory.episodes.list': { owner: 'memory', request: ListEpisodesRequestSchema, response: ListEpisodesReplySchema },
  'af.v1.memory.store': { owner: 'memory', request: StoreMemoryRequestSchema, response: StoreMemoryReplySchema },
  'af.v1.memory.get': { owner: 'memory', request: GetMemoryRequestSchema, response: MemoryItemReplySchema },
  'af.v1.memory.search': { owner: 'memory', request: SearchMemoryRequestSchema, response: SearchMemoryReplySchema },
  'af.v1.memory.graph': { owner: 'memory', request: MemoryGraphRequestSchema, response: MemoryGraphReplySchema },
  'af.v1.memory.subjects.forget': { owner: 'memory', request: ForgetSubjectRequestSchema, response: ForgetSubjectReplySchema },
  'af.v1.memory.working.get': { owner: 'memory', request: WorkingMemoryRequestSchema, response: WorkingMemoryReplySchema },
  'af.v1.memory.working.put': { owner: 'memory', request: WorkingMemoryRequestSchema, response: WorkingMemoryReplySchema },
  'af.v1.compilation.blueprint.compile': { owner: 'compilation', request: CompileBlueprintRequestSchema, response: CompileReplySchema },
  'af.v1.compilation.artifact.describe': { owner: 'compilation', request: GetArtifactRequestSchema, response: ArtifactMetadataReplySchema },
  'af.v1.blueprints.list': { owner: 'blueprints', request: ListBlueprintsRequestSchema, response: ListBlueprintsReplySchema },
  'af.v1.blueprints.versions.list': { owner: 'blueprints', request: ListBlueprintVersionsRequestSchema, response: ListBlueprintVersionsReplySchema },
  'af.v1.blueprints.diff': { owner: 'blueprints', request: DiffBlueprintRequestSchema, response: BlueprintDiffReplySchema },
  'af.v1.blueprints.archive': { owner: 'blueprints', request: ArchiveBlueprintRequestSchema, response: ArchiveBlueprintReplySchema },
  'af.v1.blueprints.validate': { owner: 'blueprints', request: ValidateStoredBlueprintRequestSchema, response: BlueprintValidationReplySchema },
  'af.v1.blueprints.source.validate': { owner: 'blueprints', request: ValidateBlueprintSourceRequestSchema, response: BlueprintValidationReplySchema },
  'af.v1.validation.schema.get': { owner: 'validation', request: GetSchemaRequestSchema, response: SchemaReplySchema },
  'af.v1.runs.list': { owner: 'orchestrator', request: ListRunsRequestSchema, response: ListRunsReplySchema },
  'af.v1.runs.transitions.list': { owner: 'orchestrator', request: ListRunTransitionsRequestSchema, response: ListRunTransitionsReplySchema },
  'af.v1.runs.cancel': { owner: 'orchestrator', request: CancelRunRequestSchema, response: RunReplySchema },
  'af.v1.runs.steps.begin': { owner: 'orchestrator', request: BeginStepRequestSchema, response: BeginStepReplySchema },
  'af.v1.runs.steps.complete': { owner: 'orchestrator', request: CompleteStepRequestSchema, response: CompleteStepReplySchema },
  'af.v1.deadletters.list': { owner: 'orchestrator', request: ListDeadLettersRequestSchema, response: ListDeadLettersReplySchema },
  'af.v1.deadletters.retry': { owner: 'orchestrator', request: RetryDeadLetterRequestSchema, response: RetryDeadLetterReplySchema },
  'af.v1.runs.park': { owner: 'orchestrator', request: ParkRunRequestSchema, response: RunReplySchema },
  'af.v1.escalations.open': { owner: 'governance', request: OpenEscalationRequestSchema, response: EscalationReplySchema },
  'af.v1.escalations.get': { owner: 'governance', request: GetEscalationRequestSchema, response: EscalationReplySchema },
  'af.v1.escalations.list': { owner: 'governance', request: ListEscalationsRequestSchema, response: ListEscalationsReplySchema },
  'af.v1.escalations.decide': { owner: 'governance', request: DecideEscalationRequestSchema, response: EscalationReplySchema },
  'af.v1.audit.list': { owner: 'audit', request: ListAuditRequestSchema, response: ListAuditReplySchema },
  'af.v1.audit.verify': { owner: 'audit', request: VerifyAuditRequestSchema, response: VerifyAuditReplySchema },
  'af.v1.budgets.reserve': { owner: 'metering', request: ReserveBudgetRequestSchema, response: ReserveBudgetReplySchema },
  'af.v1.budgets.settle': { owner: 'metering', request: SettleBudgetRequestSchema, response: SettleBudgetReplySchema },
  'af.v1.budgets.put': { owner: 'metering', request: PutBudgetRequestSchema, response: BudgetReplySchema },
  'af.v1.budgets.delete': { owner: 'metering', request: DeleteBudgetRequestSchema, response: BudgetReplySchema },
  'af.v1.budgets.list': { owner: 'metering', request: ListBudgetsRequestSchema, response: ListBudgetsReplySchema },
  'af.v1.usage.query': { owner: 'metering', request: QueryUsageRequestSchema, response: QueryUsageReplySchema },
  'af.v1.secrets.put': { owner: 'secrets', request: PutSecretRequestSchema, response: SecretReplySchema },
  'af.v1.secrets.get': { owner: 'secrets', request: GetSecretRequestSchema, response: SecretReplySchema },
  'af.v1.secrets.delete': { owner: 'secrets', request: GetSecretRequestSchema, response: SecretReplySchema },
  'af.v1.secrets.list': { owner: 'secrets', request: ListSecretsRequestSchema, response: ListSecretsReplySchema },
  'af.v1.secrets.resolve': { owner: 'secrets', request: ResolveSecretsRequestSchema, response: ResolveSecretsReplySchema },
  'af.v1.deployments.promote': { owner: 'deployment', request: PromoteDeploymentRequestSchema, response: DeploymentReplySchema },
  'af.v1.deployments.rollback': { owner: 'deployment', request: RollbackDeploymentRequestSchema, response: DeploymentReplySchema },
  'af.v1.deployments.agent.get': { owner: 'deployment', request: GetAgentRequestSchema, response: AgentViewReplySchema },
  'af.v1.deployments.evals.run': { owner: 'deployment', request: RunEvalsRequestSchema, response: EvalReportReplySchema },
  'af.v1.deployments.evals.draft': { owner: 'deployment', request: DraftEvalsRequestSchema, response: DraftEvalsReplySchema },
  'af.v1.workers.evals.run': { owner: 'worker', request: WorkerRunEvalsRequestSchema, response: EvalReportReplySchema },
  'af.v1.workers.artifacts.warm': { owner: 'worker', request: WarmArtifactRequestSchema, response: WarmArtifactReplySchema },
  'af.v1.health.agents.stats': { owner: 'health', request: AgentStatsRequestSchema, response: AgentStatsReplySchema },
  'af.v1.health.overview': { owner: 'health', request: HealthOverviewRequestSchema, response: HealthOverviewReplySchema },
  'af.v1.runs.versions.inflight': { owner: 'orchestrator', request: InFlightByVersionRequestSchema, response: InFlightByVersionReplySchema },
  'af.v1.webhooks.create': { owner: 'webhooks', request: CreateWebhookRequestSchema, response: WebhookReplySchema },
  'af.v1.webhooks.get': { owner: 'webhooks', request: GetWebhookRequestSchema, response: WebhookReplySchema },
  'af.v1.webhooks.delete': { owner: 'webhooks', request: GetWebhookRequestSchema, response: WebhookReplySchema },
  'af.v1.webhooks.list': { owner: 'webhooks', request: ListWebhooksRequestSchema, response: ListWebhooksReplySchema },
  'af.v1.webhooks.deliveries.list': { owner: 'webhooks', request: ListDeliveriesRequestSchema, response: ListDeliveriesReplySchema },
  'af.v1.triggers.list': { owner: 'triggers', request: ListTriggersRequestSchema, response: ListTriggersReplySchema },
  'af.v1.triggers.hook': { owner: 'triggers', request: InboundHookRequestSchema, response: InboundHookReplySchema },
} as const satisfies Record<string, { owner: ServiceName; request: DescMessage; response: DescMessage }>;

/**
 * Events and commands that must not be lost travel on JetStream (`stream` set); a few
 * best-effort signals (heartbeats) use core NATS (`stream: null`).
 */
export const eventSubjects = {
  'af.v1.runs.execute': { stream: 'AF_RUNS', event: ExecuteRunSchema },
  'af.v1.runs.event.started': { stream: 'AF_EVENTS', event: RunStartedSchema },
  'af.v1.runs.event.succeeded': { stream: 'AF_EVENTS', event: RunSucceededSchema },
  'af.v1.runs.event.failed': { stream: 'AF_EVENTS', event: RunFailedSchema },
  'af.v1.runs.event.cancelled': { stream: 'AF_EVENTS', event: RunCancelledSchema },
  'af.v1.deadletters.record': { stream: 'AF_DLQ', event: DeadLetterRecordedSchema },
  'af.v1.deployments.event.activated': { stream: 'AF_EVENTS', event: DeploymentActivatedSchema },
  'af.v1.deployments.event.changed': { stream: 'AF_EVENTS', event: DeploymentChangedSchema },
  'af.v1.health.event.unhealthy': { stream: 'AF_EVENTS', event: AgentUnhealthySchema },
  'af.v1.blueprints.event.versioned': { stream: 'AF_EVENTS', event: BlueprintVersionedSchema },
  'af.v1.blueprints.event.archived': { stream: 'AF_EVENTS', event: BlueprintArchiveChangedSchema },
  'af.v1.blueprints.event.restored': { stream: 'AF_EVENTS', event: BlueprintArchiveChangedSchema },
  'af.v1.escalations.event.opened': { stream: 'AF_EVENTS', event: EscalationChangedSchema },
  'af.v1.escalations.event.escalated': { stream: 'AF_EVENTS', event: EscalationChangedSchema },
  'af.v1.escalations.event.decided': { stream: 'AF_EVENTS', event: EscalationChangedSchema },
  'af.v1.audit.record': { stream: 'AF_AUDIT', event: AuditEventSchema },
  'af.v1.health.heartbeat': { stream: null, event: HeartbeatSchema },
  /** Published on `af.v1.runs.tokens.<runId>` (see suffixedSignals): model tokens as they stream. */
  'af.v1.runs.tokens': { stream: null, event: RunTokenSchema },
} as const satisfies Record<string, { stream: string | null; event: DescMessage }>;

/**
 * Core NATS signals published on `<subject>.<suffix>` (one NATS subject per run, so a listener
 * subscribes to exactly the run it streams): the suffix is a NATS token (no `.`, `*`, `>` or space).
 */
export const suffixedSignals = ['af.v1.runs.tokens'] as const satisfies readonly EventSubject[];

/** The NATS subject of a suffixed signal for one suffix (throws on a suffix that is not one token). */
export function suffixedSubject(subject: (typeof suffixedSignals)[number], suffix: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(suffix)) throw new TypeError(`${subject}: suffix must be one NATS token of [A-Za-z0-9_-], got ${JSON.stringify(suffix)}`);
  return `${subject}.${suffix}`;
}

export type RequestSubject = keyof typeof requestSubjects;
export type EventSubject = keyof typeof eventSubjects;
export type DurableEventSubject = { [S in EventSubject]: (typeof eventSubjects)[S]['stream'] extends null ? never : S }[EventSubject];

export type RequestSchema<S extends RequestSubject> = (typeof requestSubjects)[S]['request'];
export type ResponseSchema<S extends RequestSubject> = (typeof requestSubjects)[S]['response'];
export type EventSchema<S extends EventSubject> = (typeof eventSubjects)[S]['event'];

export function isRequestSubject(subject: string): subject is RequestSubject {
  return Object.hasOwn(requestSubjects, subject);
}

export function isEventSubject(subject: string): subject is EventSubject {
  return Object.hasOwn(eventSubjects, subject);
}
