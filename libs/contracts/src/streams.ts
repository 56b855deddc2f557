import type { DurableEventSubject } from './subjects.js';
import type { ServiceName } from './services.js';

export interface StreamDefinition {
  name: string;
  subjects: readonly DurableEventSubject[];
  /** workqueue: a message is removed once acked; limits: kept for replay/audit until max age. */
  retention: 'workqueue' | 'limits';
  storage: 'file';
  /** Publishes with the same Nats-Msg-Id inside this window are stored once. */
  duplicateWindowMs: number;
  maxAgeMs: number;
  /** The single-server default: provisioning applies NATS_STREAM_REPLICAS instead (@af/messaging ensureStream). */
  replicas: number;
}

const DAY = 24 * 60 * 60 * 1000;

export const streams = {
  AF_RUNS: {
    name: 'AF_RUNS',
    subjects: ['af.v1.runs.execute'],
    retention: 'workqueue',
    storage: 'file',
    duplicateWindowMs: 10 * 60 * 1000,
    maxAgeMs: 7 * DAY,
    replicas: 1,
  },
  AF_EVENTS: {
    name: 'AF_EVENTS',
    subjects: [
      'af.v1.runs.event.started',
      'af.v1.runs.event.succeeded',
      'af.v1.runs.event.failed',
      'af.v1.runs.event.cancelled',
      'af.v1.deployments.event.activated',
      'af.v1.deployments.event.changed',
      'af.v1.health.event.unhealthy',
      'af.v1.blueprints.event.versioned',
      'af.v1.blueprints.event.archived',
      'af.v1.blueprints.event.restored',
      'af.v1.escalations.event.opened',
      'af.v1.escalations.event.escalated',
      'af.v1.escalations.event.decided',
    ],
    retention: 'limits',
    storage: 'file',
    duplicateWindowMs: 10 * 60 * 1000,
    maxAgeMs: 30 * DAY,
    replicas: 1,
  },
  /** Messages a consumer gave up on, with why (the orchestrator stores them as dead letters). */
  AF_DLQ: {
    name: 'AF_DLQ',
    subjects: ['af.v1.deadletters.record'],
    retention: 'limits',
    storage: 'file',
    duplicateWindowMs: 10 * 60 * 1000,
    maxAgeMs: 30 * DAY,
    replicas: 1,
  },
  /**
   * Audit events of every service, recorded by the audit service into its hash chains. Kept a
   * year on the stream (the chain in PostgreSQL is the record; the stream lets it be rebuilt).
   */
  AF_AUDIT: {
    name: 'AF_AUDIT',
    subjects: ['af.v1.audit.record'],
    retention: 'limits',
    storage: 'file',
    duplicateWindowMs: 10 * 60 * 1000,
    maxAgeMs: 365 * DAY,
    replicas: 1,
  },
} as const satisfies Record<string, StreamDefinition>;

export type StreamName = keyof typeof streams;

export interface ConsumerDefinition {
  stream: StreamName;
  durable: string;
  /** One filter per consumer: NATS 2.9 has no multi-filter consumers. */
  filterSubject: string;
  /** Subjects this consumer delivers; the owner must have a handler for each. */
  subjects: readonly DurableEventSubject[];
  owner: ServiceName;
  ackWaitMs: number;
  maxDeliver: number;
  maxAckPending: number;
  /** How many messages one instance handles at once. */
  concurrency: number;
}

/** Every run event: a memory tier applies the ones that concern it and acknowledges the others. */
const MEMORY_RUN_EVENTS = ['af.v1.runs.event.started', 'af.v1.runs.event.succeeded', 'af.v1.runs.event.failed', 'af.v1.runs.event.cancelled'] as const;

export const consumers = {
  /**
   * AckWait 15 s: a worker that dies (kill -9, lost host) has its runs redelivered to another
   * worker within 15 s, not a minute; a live worker's long runs are not redelivered because the
   * SlotConsumer marks every held message in progress every AckWait/3 (5 s). A clean shutdown hands
   * runs back with nak() at once. MaxDeliver 5 with backoff from the worker's nak delays
   * (0.5, 1, 2, 4 s… capped at 30 s: @af/errors dispositionOf) for transient failures; the consumer
   * `backoff` list is not used: on nats-server 2.9 it replaces AckWait for every delivery after
   * the first, which would slow the recovery from a second crash to its later entries. The journal
   * makes every redelivery resume from the last stored step. maxAckPending bounds the runs held
   * by all workers together: 64 workers at the default WORKER_RUN_CONCURRENCY of 64.
   */
  'worker-runs': {
    stream: 'AF_RUNS',
    durable: 'worker-runs',
    filterSubject: 'af.v1.runs.execute',
    subjects: ['af.v1.runs.execute'],
    owner: 'worker',
    ackWaitMs: 15_000,
    maxDeliver: 5,
    maxAckPending: 4_096,
    concurrency: 64,
  },
  /**
   * MaxDeliver 20: with the nak delays (0.5, 1, 2… capped at 30 s) an event is retried for ~7.5 min,
   * so a PostgreSQL outage of several minutes delays the run's state, never dead-letters its event
   * (10 deliveries spanned ~2 min, shorter than the 3-minute outage drill).
   */
  'orchestrator-run-events': {
    stream: 'AF_EVENTS',
    durable: 'orchestrator-run-events',
    filterSubject: 'af.v1.runs.event.>',
    subjects: ['af.v1.runs.event.started', 'af.v1.runs.event.succeeded', 'af.v1.runs.event.failed', 'af.v1.runs.event.cancelled'],
    owner: 'orchestrator',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 1024,
    concurrency: 8,
  },
  /*
   * Memory has one consumer per tier (replacing memory-run-events, deleted at provisioning): a tier
   * whose store is down (Neo4j, Redis) naks and retries on its own without delaying the others.
   */
  /** Episodes (PostgreSQL) of finished runs: succeeded, failed, cancelled; a run the orchestrator does not know is refused. */
  'memory-episodes': {
    stream: 'AF_EVENTS',
    durable: 'memory-episodes',
    filterSubject: 'af.v1.runs.event.>',
    subjects: MEMORY_RUN_EVENTS,
    owner: 'memory',
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 1024,
    concurrency: 4,
  },
  /** The run graph (Neo4j) of finished runs. */
  'memory-graph': {
    stream: 'AF_EVENTS',
    durable: 'memory-graph',
    filterSubject: 'af.v1.runs.event.>',
    subjects: MEMORY_RUN_EVENTS,
    owner: 'memory',
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 1024,
    concurrency: 4,
  },
  /** Working memory (Redis): written when a run starts, dropped when it ends. */
  'memory-working': {
    stream: 'AF_EVENTS',
    durable: 'memory-working',
    filterSubject: 'af.v1.runs.event.>',
    subjects: MEMORY_RUN_EVENTS,
    owner: 'memory',
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 1024,
    concurrency: 4,
  },
  /** An archived blueprint's agent loses its active deployment (a restore needs a new deploy). */
  'deployment-blueprint-archived': {
    stream: 'AF_EVENTS',
    durable: 'deployment-blueprint-archived',
    filterSubject: 'af.v1.blueprints.event.archived',
    subjects: ['af.v1.blueprints.event.archived'],
    owner: 'deployment',
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 256,
    concurrency: 2,
  },
  /** Dead letters: stored by the orchestrator (dead_letters), a run's turns `dead_lettered`. */
  'orchestrator-dead-letters': {
    stream: 'AF_DLQ',
    durable: 'orchestrator-dead-letters',
    filterSubject: 'af.v1.deadletters.record',
    subjects: ['af.v1.deadletters.record'],
    owner: 'orchestrator',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 4,
  },
  /** A decided escalation resumes (approved) or fails (rejected) the run waiting for it. */
  'orchestrator-escalations': {
    stream: 'AF_EVENTS',
    durable: 'orchestrator-escalations',
    filterSubject: 'af.v1.escalations.event.decided',
    subjects: ['af.v1.escalations.event.decided'],
    owner: 'orchestrator',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 4,
  },
  /** A decided deployment escalation: approved → the deployment is made on the requester's behalf. */
  'deployment-escalations': {
    stream: 'AF_EVENTS',
    durable: 'deployment-escalations',
    filterSubject: 'af.v1.escalations.event.decided',
    subjects: ['af.v1.escalations.event.decided'],
    owner: 'deployment',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 2,
  },
  /** A cancelled run's pending escalations are closed (rejected by the system, with who cancelled it and why). */
  'governance-run-cancelled': {
    stream: 'AF_EVENTS',
    durable: 'governance-run-cancelled',
    filterSubject: 'af.v1.runs.event.cancelled',
    subjects: ['af.v1.runs.event.cancelled'],
    owner: 'governance',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 2,
  },
  /**
   * Audit records: one consumer, concurrency 1 per instance — each tenant's chain is appended in
   * order (the audit service also serializes appends per tenant in PostgreSQL).
   */
  'audit-records': {
    stream: 'AF_AUDIT',
    durable: 'audit-records',
    filterSubject: 'af.v1.audit.record',
    subjects: ['af.v1.audit.record'],
    owner: 'audit',
    ackWaitMs: 30_000,
    maxDeliver: 50,
    maxAckPending: 1024,
    concurrency: 1,
  },
  /** An unhealthy version still in its deployment window is rolled back (the health monitor's verdict). */
  'deployment-agent-health': {
    stream: 'AF_EVENTS',
    durable: 'deployment-agent-health',
    filterSubject: 'af.v1.health.event.unhealthy',
    subjects: ['af.v1.health.event.unhealthy'],
    owner: 'deployment',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 2,
  },
  /** Run outcomes per agent and version: the health monitor's window (failure rate, p95). */
  'health-run-outcomes': {
    stream: 'AF_EVENTS',
    durable: 'health-run-outcomes',
    filterSubject: 'af.v1.runs.event.>',
    subjects: MEMORY_RUN_EVENTS,
    owner: 'health',
    ackWaitMs: 30_000,
    maxDeliver: 10,
    maxAckPending: 1024,
    concurrency: 4,
  },
  /** Deployment transitions and run outcomes, delivered to the tenants' webhooks (other events acknowledged). */
  'webhooks-events': {
    stream: 'AF_EVENTS',
    durable: 'webhooks-events',
    filterSubject: 'af.v1.>',
    subjects: ['af.v1.deployments.event.changed', 'af.v1.runs.event.succeeded', 'af.v1.runs.event.failed', 'af.v1.runs.event.cancelled'],
    owner: 'webhooks',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 1024,
    concurrency: 4,
  },
  /** Deployment transitions (re)register or remove an agent's triggers. */
  'triggers-deployments': {
    stream: 'AF_EVENTS',
    durable: 'triggers-deployments',
    filterSubject: 'af.v1.deployments.event.>',
    subjects: ['af.v1.deployments.event.activated', 'af.v1.deployments.event.changed'],
    owner: 'triggers',
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 256,
    concurrency: 2,
  },
} as const satisfies Record<string, ConsumerDefinition>;

export type ConsumerName = keyof typeof consumers;

/** Durable consumers no longer in the contract: their owner deletes them at provisioning (a leftover would hold its backlog forever). */
export const retiredConsumers: readonly { stream: StreamName; durable: string; owner: ServiceName }[] = [{ stream: 'AF_EVENTS', durable: 'memory-run-events', owner: 'memory' }];

export function consumersOwnedBy(service: ServiceName): ConsumerDefinition[] {
  return Object.values(consumers).filter((c) => c.owner === service);
}

export interface KvBucketDefinition {
  bucket: string;
  history: number;
  storage: 'file';
  description: string;
}

export const kvBuckets = {
  activeDeployments: {
    bucket: 'af_active_deployments',
    history: 20,
    storage: 'file',
    description: 'The active deployment of each agent, key <tenant>.<agent>, value af.v1.ActiveDeployment',
  },
} as const satisfies Record<string, KvBucketDefinition>;

/** Subject of the core NATS heartbeat and the queue group every request handler joins. */
export const queueGroupOf = (service: ServiceName): string => `af.${service}`;
