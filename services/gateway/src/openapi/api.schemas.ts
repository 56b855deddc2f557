import { DNS_LABEL, SECRET_NAME, SECRET_VALUE_MAX_BYTES } from '@af/blueprint-format';
import { BUDGET_PERIODS, MAX_LIMIT_USD, USAGE_GROUPS } from '../budgets/budgets.api.js';
import { SECRET_DESCRIPTION_MAX } from '../secrets/secrets.api.js';
import { YAML_TYPES } from '../http/body-parsers.js';
import { ROLES, TENANT_ID_PATTERN } from '@af/contracts';
import { AGENT_LIST_DEFAULT, AGENT_LIST_MAX } from '../agents/agents.api.js';
import { DEPLOY_STRATEGIES, MAX_MIN_RUNS, MAX_P95_MS, MAX_WINDOW_SECONDS, ROLLBACK_REASON_MAX } from '../agents/deployment.body.js';
import { MAX_HOOK_BODY_BYTES } from '../hooks/inbound-hook.js';
import {
  WEBHOOK_DELIVERIES_MAX,
  WEBHOOK_DESCRIPTION_MAX,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_EVENTS_MAX,
  WEBHOOK_SECRET_MAX_BYTES,
  WEBHOOK_SECRET_MIN_BYTES,
  WEBHOOK_URL_MAX,
} from '../webhooks/webhooks.api.js';
import {
  MEMORY_CONTENT_MAX_BYTES,
  MEMORY_ENTITY_MAX,
  MEMORY_GRAPH_DEPTH_MAX,
  MEMORY_ID,
  MEMORY_METADATA_MAX_BYTES,
  MEMORY_QUERY_MAX,
  MEMORY_SEARCH_LIMIT_MAX,
  MEMORY_SOURCE_MAX,
  MEMORY_TIERS,
  SUBJECT_ID,
  WORKING_DOCUMENT_MAX_BYTES,
  WORKING_MESSAGE_MAX_BYTES,
  WORKING_MESSAGES_MAX,
  WORKING_SCOPES,
  WORKING_TTL_MAX_SECONDS,
} from '../memory/memory.api.js';

/**
 * The gateway's request and response bodies as JSON Schema (2020-12, OpenAPI 3.1's dialect): one
 * constant per body, used by the OpenAPI document (`openapi.document.ts`) and checked against the
 * real parsers in `api.schemas.spec.ts` (a table of samples: the parser accepts exactly what the
 * schema accepts). Bodies whose unknown fields are refused say `additionalProperties: false`.
 */
type Schema = Record<string, unknown>;

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const bool = { type: 'boolean' } as const;
const time = str({ format: 'date-time' });
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema['type'] as string, 'null'] });
const anyJson = {} as const;
const arr = (items: Schema): Schema => ({ type: 'array', items });
const nullableRef = (name: string): Schema => ({ anyOf: [{ $ref: `#/components/schemas/${name}` }, { type: 'null' }] });
/** An object whose listed fields are all present (the views always write every field). */
const view = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});
const page = (item: Schema): Schema => view({ items: arr(item), nextCursor: nullable(str({ description: 'Pass as ?cursor= for the next page; null on the last' })) });

// ---------------------------------------------------------------- request bodies

/** A stored blueprint version: a positive integer (a string of digits is accepted too); absent, null or "" means the latest. */
const VERSION = {
  description: 'A version number from 1 to 2147483647; absent, null or "" means the latest',
  anyOf: [int({ minimum: 1, maximum: 2_147_483_647 }), str({ pattern: '^(0*([1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7]))?$' }), { type: 'null' }],
} as const;

/** `{version?}`: POST /v1/agents/{name}/deployments, POST /v1/blueprints/{name}/compile and /validate. */
export const VERSION_BODY = { type: 'object', additionalProperties: false, properties: { version: VERSION } } as const;

export const RUN_PRIORITY_VALUES = ['high', 'normal', 'low'] as const;
/** POST /v1/agents/{name}/runs. */
export const RUN_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    input: { type: ['object', 'null'], description: 'The agent’s input (checked against its blueprint’s input schema by the orchestrator); absent or null means {}' },
    priority: { enum: [...RUN_PRIORITY_VALUES, '', null], description: 'Dispatch priority; absent, null or "" means normal' },
  },
} as const;

/** POST /v1/runs/{runId}/cancel. */
export const CANCEL_BODY = { type: 'object', additionalProperties: false, properties: { reason: { type: ['string', 'null'], maxLength: 1000 } } } as const;

/** POST /v1/escalations/{id}/approve and /reject (the governance service decides whether a reason is required). */
export const DECISION_BODY = { type: 'object', additionalProperties: false, properties: { reason: { type: ['string', 'null'], description: 'Why; a rejection needs one' } } } as const;

/** POST /v1/dead-letters/{id}/retry. */
export const RETRY_BODY = { type: 'object', additionalProperties: false, properties: { input: { type: 'object', description: 'Replaces the run’s input; absent keeps it' } } } as const;

/** POST /v1/api-keys (`parseCreateApiKey`). */
export const API_KEY_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'roles'],
  properties: {
    name: str({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'Not blank' }),
    roles: { type: 'array', minItems: 1, maxItems: ROLES.length * 4, items: { enum: [...ROLES] }, description: 'Each must be within the creator’s own permissions (else 403)' },
    expiresAt: {
      type: ['string', 'null'],
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
      description: 'An ISO 8601 date-time with a zone, in the future; absent or null: never expires',
    },
  },
} as const;

/** PUT /v1/budgets/tenant/{period} and /v1/budgets/agents/{agent}/{period}. */
export const BUDGET_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['limitUsd'],
  properties: { limitUsd: { type: 'number', minimum: 0, maximum: MAX_LIMIT_USD, description: 'USD the scope may spend per period (0: nothing); model calls that would pass it are refused (402 BUDGET_EXCEEDED)' } },
} as const;

/** PUT /v1/secrets/{name}: the value is written, never read back (no response, log or event carries it). */
export const SECRET_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: {
    value: str({ minLength: 1, maxLength: SECRET_VALUE_MAX_BYTES, writeOnly: true, description: `The secret (at most ${SECRET_VALUE_MAX_BYTES} bytes as UTF-8); stored encrypted, never returned` }),
    description: { type: ['string', 'null'], maxLength: SECRET_DESCRIPTION_MAX, description: 'What the secret is for' },
  },
} as const;

const optionalInt = (min: number, max: number, description: string): Schema => ({ type: ['integer', 'null'], minimum: min, maximum: max, description });

/** POST /v1/agents/{name}/deployments (`parseDeployBody`): absent or null = the blueprint’s spec.deployment, else the service defaults. */
export const DEPLOY_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: VERSION,
    strategy: { enum: [...DEPLOY_STRATEGIES, null], description: 'immediate: every new run once warmed and its evals pass; canary: canaryPercent of new runs during the window, then promoted or rolled back' },
    canaryPercent: optionalInt(1, 99, 'Share of new runs (by run id) the canary takes'),
    windowSeconds: optionalInt(0, MAX_WINDOW_SECONDS, 'The watch window: automatic rollback (and, for a canary, promotion at its end); 0: the blueprint’s, else the default'),
    thresholds: {
      type: ['object', 'null'],
      additionalProperties: false,
      description: 'When the new version is rolled back automatically during its window',
      properties: {
        maxFailureRate: { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'Failed / finished runs of the new version' },
        maxP95Ms: optionalInt(0, MAX_P95_MS, 'p95 run duration of the new version'),
        minRuns: optionalInt(0, MAX_MIN_RUNS, 'Finished runs needed before the rates are judged'),
      },
    },
    force: { type: ['boolean', 'null'], description: 'Deploy although evals fail: needs ApproveRealWorld (403 otherwise); audited' },
  },
} as const;

/** POST /v1/agents/{name}/deployments/{id}/promote: nothing to say (an empty object or no body). */
export const EMPTY_BODY = { type: 'object', additionalProperties: false, properties: {} } as const;

/** POST /v1/agents/{name}/rollback. */
export const ROLLBACK_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    toVersion: { ...VERSION, description: 'The version to return to; absent, null or "": the previously active one' },
    reason: { type: ['string', 'null'], maxLength: ROLLBACK_REASON_MAX, description: 'Recorded on the transition' },
  },
} as const;

/** POST /v1/webhooks (`parseCreateWebhook`). */
export const WEBHOOK_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events', 'secret'],
  properties: {
    url: str({ minLength: 1, maxLength: WEBHOOK_URL_MAX, pattern: '^[hH][tT][tT][pP][sS]?://', description: 'Where events are POSTed; loopback, private, link-local and metadata addresses are refused unless an operator allows the host' }),
    events: { type: 'array', minItems: 1, maxItems: WEBHOOK_EVENTS_MAX, items: { enum: [...WEBHOOK_EVENT_TYPES] }, description: 'Event types to deliver' },
    secret: str({ minLength: WEBHOOK_SECRET_MIN_BYTES, maxLength: WEBHOOK_SECRET_MAX_BYTES, writeOnly: true, description: `The signing secret (${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes as UTF-8): x-af-signature t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; stored in the secrets service, never returned` }),
    description: { type: ['string', 'null'], maxLength: WEBHOOK_DESCRIPTION_MAX },
    agent: { type: ['string', 'null'], pattern: `${DNS_LABEL.source}|^$`, maxLength: 63, description: 'Only this agent’s events; absent, null or "": every agent' },
  },
} as const;

const SUBJECT = { type: ['string', 'null'], pattern: `${SUBJECT_ID.source}|^$`, description: 'The person or thing the memory is about (1 to 128 letters, digits, _ . @ + -); forgotten with DELETE /v1/memory/subjects/{subjectId}' } as const;

/** POST /v1/memory (`parseStoreMemory`). */
export const MEMORY_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['content'],
  properties: {
    content: str({ minLength: 1, maxLength: MEMORY_CONTENT_MAX_BYTES, pattern: '\\S', description: `What to remember (not blank, at most ${MEMORY_CONTENT_MAX_BYTES} bytes as UTF-8): stored episodically (full-text), its entities extracted into the graph and embedded` }),
    subjectId: SUBJECT,
    source: { type: ['string', 'null'], maxLength: MEMORY_SOURCE_MAX, description: 'Where it came from; absent: api' },
    metadata: { type: ['object', 'null'], description: `Any JSON object (at most ${MEMORY_METADATA_MAX_BYTES} bytes as JSON)` },
    agent: { type: ['string', 'null'], pattern: `${DNS_LABEL.source}|^$`, maxLength: 63, description: 'The agent the memory belongs to (what its access level sees); absent: the organization' },
  },
} as const;

/** PUT /v1/memory/working/{agent}/{scope}/{scopeId} (`parseWorkingPut`). */
export const WORKING_PUT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['document', 'expectedVersion'],
  properties: {
    document: { type: 'object', description: `The whole new document (a JSON object, at most ${WORKING_DOCUMENT_MAX_BYTES} bytes as JSON)` },
    expectedVersion: int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The version it replaces (0 creates): 409 CONFLICT when the stored one differs' }),
    appendMessages: { type: ['array', 'null'], maxItems: WORKING_MESSAGES_MAX, items: str({ minLength: 1, maxLength: WORKING_MESSAGE_MAX_BYTES }), description: `Appended to the message window (oldest dropped past its bound); each at most ${WORKING_MESSAGE_MAX_BYTES} bytes` },
    ttlSeconds: { type: ['integer', 'null'], minimum: 0, maximum: WORKING_TTL_MAX_SECONDS, description: 'Seconds until it expires; absent or 0: the blueprint’s or the configured default' },
    subjectId: SUBJECT,
  },
} as const;

/** The blueprint as the author wrote it (POST /v1/blueprints, PUT /v1/blueprints/{name}, POST /v1/validate). */
const BLUEPRINT_SOURCE_CONTENT = {
  ...Object.fromEntries(YAML_TYPES.map((type) => [type, { schema: str({ minLength: 1, description: 'The blueprint document in YAML (GET /v1/schemas/blueprint), kept as written' }) }])),
  'application/json': { schema: { type: 'object', description: 'The blueprint document in JSON (GET /v1/schemas/blueprint), kept as written' } },
};

/** POST /v1/blueprints/{name}/test as application/json: the draft and an optional ad-hoc input. */
export const BLUEPRINT_TEST_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['blueprint'],
  properties: {
    blueprint: {
      anyOf: [str({ minLength: 1, description: 'The draft as YAML (or JSON) text' }), { type: 'object', description: 'The draft as a JSON object' }],
      description: 'The unsaved blueprint (GET /v1/schemas/blueprint); the blueprint size limits apply. Paths in its validation report and errors point into it.',
    },
    input: { type: ['object', 'null'], description: 'An ad-hoc input: run as one more case named "ad-hoc", without expectation (it fails only when its run fails); its output is the case’s output. Absent or null: only the draft’s evals run' },
  },
} as const;

/** The draft test's body: the JSON form, or the draft alone as YAML. */
const BLUEPRINT_TEST_CONTENT = {
  'application/json': { schema: BLUEPRINT_TEST_BODY },
  ...Object.fromEntries(YAML_TYPES.map((type) => [type, { schema: str({ minLength: 1, description: 'The draft in YAML (no ad-hoc input: only its evals run)' }) }])),
};

// ---------------------------------------------------------------- response bodies

const finding = view({ tier: str(), code: str(), path: str(), message: str(), severity: str() });
const ValidationReport = view({
  valid: bool,
  errors: arr(finding),
  warnings: arr(finding),
  suggestions: arr(view({ path: str(), message: str(), replacement: anyJson }, ['replacement'])),
  omitted: int({ description: 'Findings left out of the lists' }),
});
const Blueprint = view(
  { name: str(), version: int(), contentHash: str(), author: str(), createdAt: time, validation: { $ref: '#/components/schemas/ValidationReport' }, archivedAt: nullable(time), document: { description: 'The parsed document (GET only)' } },
  ['document'],
);
const BlueprintSaved = { allOf: [{ $ref: '#/components/schemas/Blueprint' }, view({ created: { type: 'boolean', description: 'false: same content as the latest version (200, nothing new stored)' } })] };
const BlueprintList = page(
  view({ name: str(), latestVersion: int(), description: str(), labels: { type: 'object', additionalProperties: str() }, contentHash: str(), author: str(), createdAt: time, updatedAt: time, archivedAt: nullable(time), valid: bool }),
);
const BlueprintVersions = view({ name: str(), archivedAt: nullable(time), items: arr(view({ version: int(), contentHash: str(), author: str(), createdAt: time, valid: bool })) });
const BlueprintDiff = view({ name: str(), from: int(), to: int(), operations: arr(view({ op: str(), path: str(), from: anyJson, to: anyJson }, ['from', 'to'])) });
const BlueprintArchived = view({ name: str(), latestVersion: int(), archivedAt: time, changed: bool });
const ValidationResult = {
  allOf: [{ $ref: '#/components/schemas/ValidationReport' }, view({ name: nullable(str()), version: nullable(int()), contentHash: str(), cached: bool })],
};

const EvalReport = view({
  agent: str(),
  version: int(),
  artifactHash: str(),
  passed: bool,
  total: int(),
  failed: int(),
  workerId: nullable(str()),
  cases: arr(view({ name: str(), passed: bool, output: anyJson, failures: arr(str({ description: 'What did not hold (path, expectation, actual)' })), durationMs: { type: 'number' }, error: nullable(str({ description: 'The run itself failed: its code and message' })) })),
});
const BlueprintTestResult = {
  allOf: [
    { $ref: '#/components/schemas/EvalReport' },
    view({ validation: { allOf: [{ $ref: '#/components/schemas/ValidationReport' }], description: 'The draft’s validation report for this caller (its warnings and suggestions)' } }),
  ],
  description: 'The draft’s evals (version 0: nothing saved or deployed), with the case "ad-hoc" when an input was given',
};
const num = { type: 'number' } as const;
const Deployment = view(
  {
    deploymentId: str(),
    agent: str(),
    version: int(),
    artifactHash: str(),
    status: str({ description: 'pending, warming, canary, active, failed, rolled_back, superseded (deactivated: blueprint archived)' }),
    createdAt: time,
    createdBy: str(),
    strategy: str({ enum: [...DEPLOY_STRATEGIES] }),
    canaryPercent: int(),
    windowSeconds: int(),
    windowEndsAt: nullable(time),
    thresholds: view({ maxFailureRate: num, maxP95Ms: int(), minRuns: int() }),
    previousDeploymentId: nullable(str({ description: 'What a rollback returns to' })),
    supersededAt: nullable(time),
    reason: nullable(str({ description: 'Why it is in its status (failed, rolled_back)' })),
    forced: { type: 'boolean', description: 'Deployed although its evals failed' },
    swapMs: nullable(num),
    evalReport: nullableRef('EvalReport'),
    transitions: arr(view({ from: nullable(str()), to: str(), at: time, actor: str({ description: 'The caller, or "system"' }), reason: str(), details: anyJson })),
    message: str({ description: 'Only on a 200 from POST …/deployments: the version was already active' }),
  },
  ['message'],
);
const AgentView = view({
  agent: str(),
  health: str({ description: 'healthy, degraded, unhealthy or unknown (no recent runs)' }),
  active: nullableRef('Deployment'),
  canary: nullableRef('Deployment'),
  versions: arr(
    view({
      version: int(),
      artifactHash: str(),
      role: str({ description: 'active, canary, draining (runs still in flight) or retired' }),
      percent: int({ description: 'Share of new runs' }),
      inFlightRuns: int(),
      runs: int(),
      failed: int(),
      failureRate: num,
      p95Ms: num,
      deploymentId: nullable(str()),
    }),
  ),
});
const AgentStats = view({
  agent: str(),
  windowMs: int(),
  versions: arr(view({ version: int(), runs: int(), succeeded: int(), failed: int(), failureRate: num, p50Ms: num, p95Ms: num, lastFinishedAt: nullable(time), probe: { enum: ['ok', 'failed', null], description: 'The latest synthetic probe; null: none' } })),
});
const serviceStatus = view({ service: str(), state: str(), instances: int(), lastSeenMs: int(), checks: { type: 'object', additionalProperties: str() } });
const HealthOverview = view({
  status: str(),
  services: arr(serviceStatus),
  workers: arr(view({ workerId: str(), state: str({ description: 'alive or dead (no heartbeat for the liveness window)' }), lastSeenMs: int(), inFlight: int(), slots: int() })),
  agents: arr(view({ agent: str(), version: int(), state: str({ description: 'healthy, degraded or unhealthy' }), runs: int(), failureRate: num, p95Ms: num, reason: nullable(str()) })),
});
const unavailableNote = view({
  part: str({ enum: ['deployment', 'health'], description: 'Which lookup failed: deployment (active, canary, runs in flight) or health (recent outcomes)' }),
  code: str({ description: 'The error code of the lookup, e.g. TIMEOUT or UNAVAILABLE' }),
  message: str(),
});
const liveDeployment = (extra: Record<string, Schema> = {}) =>
  view({ deploymentId: str(), version: int(), ...extra, since: str({ description: 'When the deployment reached its status (its last transition there, else its creation)' }) });
const AgentList = page(
  view({
    name: str(),
    latestVersion: int(),
    description: str(),
    labels: { type: 'object', additionalProperties: str() },
    valid: { type: 'boolean', description: 'The latest version is valid' },
    updatedAt: time,
    deployment: {
      description: 'What is live (GET /v1/agents/{name}); null when the lookup failed (see unavailable)',
      anyOf: [
        view({
          health: str({ description: 'healthy, degraded, unhealthy or unknown (no recent runs)' }),
          active: { anyOf: [liveDeployment(), { type: 'null' }], description: 'null: never deployed (or deactivated)' },
          canary: { anyOf: [liveDeployment({ percent: int({ description: 'Share of new runs the canary takes' }) }), { type: 'null' }] },
          inFlightRuns: int({ description: 'Runs of any version not finished yet' }),
        }),
        { type: 'null' },
      ],
    },
    recent: {
      description: 'Recent outcomes over every version in the health service’s window (GET /v1/agents/{name}/health); null when the lookup failed',
      anyOf: [
        view({
          windowMs: int(),
          runs: int({ description: 'Runs finished in the window' }),
          failed: int(),
          failureRate: { type: 'number', minimum: 0, maximum: 1, description: 'failed / (succeeded + failed); 0 without runs' },
          p95Ms: { type: 'number', description: 'The highest p95 of the versions (an upper bound of the agent’s)' },
        }),
        { type: 'null' },
      ],
    },
    unavailable: arr(unavailableNote),
  }),
);
const TriggerList = view({
  agent: str(),
  items: arr(view({ id: str(), agent: str(), type: str({ enum: ['schedule', 'event', 'webhook'] }), version: int(), cron: nullable(str()), timezone: nullable(str()), subject: nullable(str()), nextFireAt: nullable(time), lastFiredAt: nullable(time), fired: int() })),
});
const HookAccepted = view({ runId: str(), status: str() });
const Webhook = view({ id: str(), url: str(), events: arr(str()), description: str(), agent: nullable(str()), createdAt: time, createdBy: str() });
const WebhookList = view({ items: arr({ $ref: '#/components/schemas/Webhook' }) });
const WebhookDeliveries = view({
  items: arr(
    view({
      id: str(),
      webhookId: str(),
      eventId: str({ description: 'x-af-event-id: the same across retries' }),
      eventType: str(),
      attempt: int(),
      status: str({ enum: ['pending', 'retrying', 'delivered', 'failed'] }),
      responseStatus: nullable(int()),
      error: nullable(str()),
      durationMs: num,
      createdAt: time,
      nextAttemptAt: nullable(time),
      deliveredAt: nullable(time),
    }),
  ),
  next: nullable(str({ description: 'Pass as ?after= for the next page; null on the last' })),
});
const DeploymentList = view({ agent: str(), items: arr({ $ref: '#/components/schemas/Deployment' }) });
const Episodes = view({ agent: str(), items: arr(view({ episodeId: str(), runId: str(), version: int(), outcome: str(), summary: str(), occurredAt: time })) });

const MemoryItem = view({
  id: str(),
  tier: str({ enum: [...MEMORY_TIERS] }),
  content: str(),
  score: { type: 'number', description: 'Higher first: ts_rank (episodic), cosine similarity (semantic), 1 (working)' },
  subjectId: nullable(str()),
  agent: nullable(str()),
  team: nullable(str()),
  source: nullable(str()),
  metadata: { description: 'The stored JSON object, or null' },
  createdAt: nullable(time),
  entities: arr(str({ description: 'Entities found in it (semantic)' })),
  neighbours: arr(str({ description: 'Their graph neighbours (semantic)' })),
});
const MemoryStored = view({ id: str(), entities: arr(str()) });
const MemorySearch = view({ items: arr({ $ref: '#/components/schemas/MemoryItem' }) });
const graphNode = view({ name: str(), kind: str({ description: 'person, organization, email, amount, date or concept' }), mentions: int() });
const MemoryGraph = view({ entity: { anyOf: [graphNode, { type: 'null' }] }, nodes: arr(graphNode), edges: arr(view({ from: str(), to: str(), relation: str(), weight: int() })) });
const SubjectForgotten = view({ subjectId: str(), workingDeleted: int(), episodicDeleted: int(), semanticDeleted: int(), verified: { type: 'boolean', description: 'A read-back in each store found nothing of the subject left' } });
const WorkingMemory = view({ agent: str(), scope: str({ enum: [...WORKING_SCOPES] }), scopeId: str(), document: { type: 'object' }, version: int(), messages: arr(str()), ttlSeconds: int({ description: 'Seconds left; -1: no expiry' }) });

const usageCall = view({ route: str(), outcome: str(), inputTokens: int(), outputTokens: int(), cachedInputTokens: int(), costUsd: { type: 'number' }, durationMs: { type: 'number' }, error: str(), stepId: str() });
const Run = view({
  runId: str(),
  agent: str(),
  version: int(),
  artifactHash: str(),
  status: str({ description: 'queued, running, waiting, succeeded, failed, cancelled …' }),
  input: anyJson,
  output: anyJson,
  error: nullable(view({ code: str(), message: str(), path: str(), details: anyJson }, ['path', 'details'])),
  attempts: int(),
  toolCalls: arr(view({ tool: str(), arguments: anyJson, result: anyJson, durationMs: { type: 'number' }, error: str() }, ['error'])),
  usage: nullable(view({ provider: str(), model: str(), inputTokens: int(), outputTokens: int(), costUsd: { type: 'number' }, cachedInputTokens: int(), calls: arr(usageCall) })),
  traceId: str(),
  correlationId: str(),
  createdAt: time,
  startedAt: nullable(time),
  finishedAt: nullable(time),
  priority: str({ enum: [...RUN_PRIORITY_VALUES] }),
  workerId: nullable(str()),
  requestedBy: nullable(str()),
  waitingFor: nullable(str({ description: 'While waiting: the escalation id (GET /v1/escalations/{id})' })),
  trigger: str({ description: 'What started the run: api, schedule:<triggerId>, event:<triggerId>, webhook:<triggerId>' }),
  deploymentId: nullable(str({ description: 'The deployment the run was routed to (it runs, and is retried, on that version)' })),
  canary: { type: 'boolean', description: 'Routed to a canary deployment' },
});
const RunAccepted = view({ runId: str(), status: str(), agent: str(), version: int(), priority: str({ enum: [...RUN_PRIORITY_VALUES] }), replayed: { type: 'boolean', description: 'true: an earlier submission with the same Idempotency-Key (200 instead of 202)' } });
const RunList = page(view({ runId: str(), agent: str(), version: int(), status: str(), priority: str(), attempts: int(), createdAt: time, finishedAt: nullable(time), errorCode: nullable(str()) }));
const RunEvents = view({
  runId: str(),
  status: str(),
  final: bool,
  items: arr(view({ seq: int(), from: nullable(str()), to: str(), at: time, attempt: int(), workerId: nullable(str()), reason: str(), code: nullable(str()) })),
});

const Escalation = view({
  id: str(),
  kind: str(),
  status: str(),
  runId: nullable(str()),
  stepId: nullable(str()),
  agent: str(),
  version: nullable(int()),
  tool: nullable(str()),
  arguments: anyJson,
  risk: str(),
  rule: str(),
  reason: str(),
  requestedBy: str(),
  requiredPermission: str(),
  quorum: int(),
  approvals: int(),
  level: int(),
  levels: int(),
  levelRoles: arr(str()),
  deadline: time,
  decisions: arr(view({ actor: str(), decision: str(), reason: nullable(str()), level: int(), at: time })),
  decidedAt: nullable(time),
  decidedBy: nullable(str()),
  decisionReason: nullable(str()),
  details: anyJson,
  createdAt: time,
});

const DeadLetter = view({
  id: str(),
  runId: nullable(str()),
  agent: nullable(str()),
  stream: str(),
  consumer: str(),
  subject: str(),
  streamSeq: int(),
  source: str(),
  code: nullable(str()),
  reason: str(),
  deliveries: int(),
  status: str(),
  createdAt: time,
  retriedAt: nullable(time),
  retriedBy: nullable(str()),
});
const DeadLetterRetried = view({ deadLetter: { $ref: '#/components/schemas/DeadLetter' }, run: nullable(view({ runId: str(), agent: str(), status: str() })) });

const AuditRecord = view({
  seq: int(),
  eventId: str(),
  action: str(),
  actor: str(),
  resourceType: str(),
  resourceId: str(),
  outcome: str(),
  details: anyJson,
  at: time,
  service: str(),
  correlationId: nullable(str()),
  prevHash: str(),
  hash: str(),
  recordedAt: time,
});
const AuditVerification = view({ valid: bool, checked: int(), headSeq: int(), headHash: nullable(str()), problems: arr(view({ seq: int(), eventId: nullable(str()), kind: str(), message: str() })) });

const ApiKey = view({
  id: str(),
  prefix: str({ description: '`afk_<id>_`: how the key starts' }),
  name: str(),
  roles: arr(str({ enum: [...ROLES] })),
  createdBy: str(),
  createdAt: time,
  expiresAt: nullable(time),
  lastUsedAt: nullable(time),
  revokedAt: nullable(time),
});
const ApiKeyCreated = { allOf: [{ $ref: '#/components/schemas/ApiKey' }, view({ key: str({ description: 'The key itself (`afk_…`): shown this once, never again' }) })] };

const usd = { type: 'number' } as const;
const Budget = view({
  scope: str({ enum: ['tenant', 'agent'] }),
  agent: nullable(str({ description: 'The agent (scope agent); null for the tenant’s budget' })),
  period: str({ enum: [...BUDGET_PERIODS] }),
  limitUsd: usd,
  spentUsd: { ...usd, description: 'Settled cost in the current period' },
  reservedUsd: { ...usd, description: 'Estimates of model calls in flight in the current period' },
  periodStart: str({ format: 'date-time', description: 'Start of the current period (UTC day or month)' }),
  updatedAt: nullable(time),
  updatedBy: nullable(str()),
});
const usageRow = view({ key: str({ description: 'The agent, "provider/model" or the UTC day (YYYY-MM-DD)' }), calls: int(), inputTokens: int(), outputTokens: int(), cachedInputTokens: int(), costUsd: usd });
const Usage = view({ groupBy: str({ enum: [...USAGE_GROUPS] }), from: str(), to: str(), rows: arr(usageRow), total: usageRow });
const BudgetList = view({ items: arr({ $ref: '#/components/schemas/Budget' }) });
const SecretMetadata = view({
  name: str(),
  version: int({ description: 'Increases with each PUT (rotation)' }),
  description: str(),
  size: int({ description: 'Length of the value in bytes (never the value)' }),
  createdAt: time,
  updatedAt: time,
  updatedBy: nullable(str()),
});
const SecretList = view({ items: arr({ $ref: '#/components/schemas/SecretMetadata' }) });

const Artifact = view({ hash: str(), blueprint: view({ name: str(), version: int() }), size: int(), createdAt: time, compilerVersion: str(), tools: arr(str()) });
const Compiled = view({ artifactHash: str(), compileMs: { type: 'number' }, cached: bool });

/** Response shapes that are not components, by the view that writes them (checked against the views in `api.schemas.spec.ts`). */
export const VIEW_SCHEMAS = { AgentList, AgentView, AgentStats, HealthOverview, TriggerList, HookAccepted, WebhookList, WebhookDeliveries, Usage, BudgetList, SecretList, RunList, RunEvents, RunAccepted, BlueprintList, BlueprintVersions, BlueprintDiff, BlueprintArchived, ValidationResult, BlueprintTestResult, DeploymentList, Episodes, DeadLetterRetried, AuditVerification, ApiKeyCreated, Artifact, Compiled, MemoryStored, MemorySearch, MemoryGraph, SubjectForgotten, WorkingMemory };

/** Shared response shapes, under `#/components/schemas`. */
export const COMPONENT_SCHEMAS: Record<string, Schema> = {
  ValidationReport,
  Blueprint,
  Deployment,
  EvalReport,
  Webhook,
  Run,
  Escalation,
  DeadLetter,
  AuditRecord,
  ApiKey,
  Budget,
  SecretMetadata,
  MemoryItem,
};

// ---------------------------------------------------------------- operations

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; description?: string; schema: Schema };
export interface OperationSchemas {
  parameters?: Parameter[];
  /** The request body: a JSON schema (application/json), the blueprint source content types, or the draft test's (JSON or YAML). */
  body?: { schema: Schema; required: boolean; description?: string } | 'blueprint-source' | 'blueprint-test';
  /** The success status and its body (none: no body, e.g. 204). */
  success: { status: string; description: string; schema?: Schema; content?: Record<string, unknown>; also?: { status: string; description: string } };
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nameParam: Parameter = { name: 'name', in: 'path', required: true, description: 'An agent/blueprint name: a DNS label', schema: str({ pattern: DNS_LABEL.source, maxLength: 63 }) };
const idParam = (name: string, description: string): Parameter => ({ name, in: 'path', required: true, description, schema: str({ minLength: 1 }) });
const q = (name: string, schema: Schema, description?: string): Parameter => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
const qs = (name: string, maxLength: number, description?: string) => q(name, str({ maxLength }), description);
const limit = (max: number) => q('limit', int({ minimum: 1, maximum: max }), 'Page size; absent: the service’s default');
const cursor = qs('cursor', 200, 'nextCursor of the previous page');
const versionQuery = (name: string, description: string) => q(name, int({ minimum: 1, maximum: 2_147_483_647 }), description);
const periodParam: Parameter = { name: 'period', in: 'path', required: true, description: 'UTC day or UTC calendar month', schema: str({ enum: [...BUDGET_PERIODS] }) };
const agentParam: Parameter = { ...nameParam, name: 'agent', description: 'The agent’s name' };
const secretParam: Parameter = { name: 'name', in: 'path', required: true, description: 'The secret’s name (referenced by blueprints)', schema: str({ pattern: SECRET_NAME.source }) };
const budgetBody = { schema: BUDGET_BODY, required: true };
const ok = (schema: Schema, description = 'OK') => ({ status: '200', description, schema });
const versionBody = { schema: VERSION_BODY, required: false };

const workingParams: Parameter[] = [
  { ...nameParam, name: 'agent', description: 'The agent’s name' },
  { name: 'scope', in: 'path', required: true, description: 'run, thread or user', schema: str({ enum: [...WORKING_SCOPES] }) },
  { name: 'scopeId', in: 'path', required: true, description: 'The run, thread or user id', schema: str({ pattern: SUBJECT_ID.source }) },
];

/** `Controller_method` (the operationId) → its parameters, request body and success response. */
export const OPERATIONS: Record<string, OperationSchemas> = {
  BlueprintsController_create: { body: 'blueprint-source', success: { status: '201', description: 'Stored as version 1 (even when invalid: see validation)', schema: ref('Blueprint') } },
  BlueprintsController_list: {
    parameters: [
      q('labels', str(), 'Label selector, e.g. team=ops,tier!=gold (repeatable)'),
      q('q', str(), 'Text in the name or description'),
      q('includeArchived', { enum: ['true', 'false', ''] }),
      q('limit', int({ minimum: 0, maximum: 999_999 }), 'Page size; the blueprints service bounds it'),
      q('cursor', str()),
    ],
    success: ok(BlueprintList),
  },
  BlueprintsController_update: {
    parameters: [nameParam, { name: 'If-Match', in: 'header', required: false, description: 'The version last seen (`3` or `"3"`): 409 if the latest differs', schema: str({ pattern: '^(W/)?"?[0-9]+"?$' }) }],
    body: 'blueprint-source',
    success: { status: '201', description: 'A new version stored (created: true)', schema: BlueprintSaved, also: { status: '200', description: 'The content equals the latest version: nothing stored (created: false)' } },
  },
  BlueprintsController_get: { parameters: [nameParam, versionQuery('version', 'Absent: the latest')], success: ok(ref('Blueprint'), 'The version with its parsed document') },
  BlueprintsController_archive: {
    parameters: [nameParam, { name: 'If-Match', in: 'header', required: false, description: 'The version last seen: 409 if the latest differs', schema: str({ pattern: '^(W/)?"?[0-9]+"?$' }) }],
    success: ok(BlueprintArchived),
  },
  BlueprintsController_versions: { parameters: [nameParam], success: ok(BlueprintVersions) },
  BlueprintsController_version: { parameters: [nameParam, { name: 'version', in: 'path', required: true, schema: int({ minimum: 1, maximum: 2_147_483_647 }) }], success: ok(ref('Blueprint')) },
  BlueprintsController_diff: { parameters: [nameParam, { ...versionQuery('from', 'The version to compare from (required)'), required: true }, versionQuery('to', 'Absent: the latest')], success: ok(BlueprintDiff) },
  BlueprintsController_validate: {
    parameters: [nameParam, versionQuery('version', 'Absent: the latest (the body’s version wins)')],
    body: versionBody,
    success: ok(ValidationResult),
  },
  BlueprintsController_test: {
    parameters: [nameParam],
    body: 'blueprint-test',
    success: ok(
      BlueprintTestResult,
      'The draft was parsed and validated as saving would, compiled, and its evals (and the ad-hoc input) run in the production sandbox on a worker (external and realWorld tools are not executed); passed or not. Nothing is saved or deployed. An invalid draft: 422 VALIDATION_FAILED with its validation report in details',
    ),
  },
  AgentsController_deploy: {
    parameters: [nameParam],
    body: { schema: DEPLOY_BODY, required: false },
    success: {
      status: '201',
      description: 'Deployed: active, or canary (warmed on a live worker, evals passed or forced); 422 VALIDATION_FAILED with the eval report in details when evals fail',
      schema: ref('Deployment'),
      also: { status: '200', description: 'That version and artifact were already active: nothing changed (message says so)' },
    },
  },
  AgentsController_list: {
    parameters: [q('limit', int({ minimum: 1, maximum: AGENT_LIST_MAX }), `Page size; absent: ${AGENT_LIST_DEFAULT}`), q('cursor', str(), 'nextCursor of the previous page')],
    success: ok(AgentList, 'The tenant’s agents (live blueprints, by name) with what is live and their recent health; an agent whose deployment or health lookup failed is listed with that part null and a note in unavailable'),
  },
  AgentsController_agent: { parameters: [nameParam], success: ok(AgentView, 'What is live: active and canary deployments, each version’s share, runs in flight and recent health') },
  AgentsController_deployment: { parameters: [nameParam, idParam('id', 'The deployment id (UUID)')], success: ok(ref('Deployment'), 'With its transitions, oldest first') },
  AgentsController_promote: { parameters: [nameParam, idParam('id', 'The deployment id (UUID)')], body: { schema: EMPTY_BODY, required: false }, success: ok(ref('Deployment'), 'Promoted: now active') },
  AgentsController_rollback: { parameters: [nameParam], body: { schema: ROLLBACK_BODY, required: false }, success: ok(ref('Deployment'), 'The deployment rolled back (the canary, or the active one); GET /v1/agents/{name} shows what is active now') },
  AgentsController_evals: { parameters: [nameParam], body: versionBody, success: ok(ref('EvalReport'), 'The evals’ report (passed or not); nothing is deployed') },
  AgentsController_health: { parameters: [nameParam], success: ok(AgentStats, 'Recent outcomes per version (the health service’s window)') },
  AgentsController_triggers: { parameters: [nameParam], success: ok(TriggerList, 'The triggers of the active deployment') },
  HealthOverviewController_overview: { success: ok(HealthOverview, 'Services, worker liveness and the tenant’s agents') },
  WebhooksController_create: { body: { schema: WEBHOOK_BODY, required: true }, success: { status: '201', description: 'Created (the secret is never returned)', schema: ref('Webhook') } },
  WebhooksController_list: { success: ok(WebhookList) },
  WebhooksController_get: { parameters: [idParam('id', 'The webhook id (UUID)')], success: ok(ref('Webhook')) },
  WebhooksController_delete: { parameters: [idParam('id', 'The webhook id (UUID)')], success: ok(ref('Webhook'), 'The deleted webhook (404 when there was none)') },
  WebhooksController_deliveries: {
    parameters: [idParam('id', 'The webhook id (UUID)'), limit(WEBHOOK_DELIVERIES_MAX), q('after', str({ format: 'uuid' }), 'next of the previous page')],
    success: ok(WebhookDeliveries, 'Newest first'),
  },
  HooksController_hook: {
    parameters: [
      { name: 'tenant', in: 'path', required: true, description: 'The tenant id (no token: the signature authenticates)', schema: str({ pattern: TENANT_ID_PATTERN.source, maxLength: 63 }) },
      { ...nameParam, name: 'agent', description: 'The agent’s name' },
      { name: 'triggerId', in: 'path', required: true, description: 'The webhook trigger’s id in the blueprint', schema: str({ pattern: DNS_LABEL.source, maxLength: 63 }) },
      { name: 'x-af-signature', in: 'header', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> under the trigger’s secret; stale (> 5 min) or replayed: 401', schema: str({ maxLength: 512 }) },
    ],
    body: { schema: { description: `The run’s input (JSON, at most ${MAX_HOOK_BODY_BYTES} bytes), signed as sent` }, required: true },
    success: { status: '202', description: 'The run it started. 401 UNAUTHENTICATED (bad, stale or replayed signature), 404 (no such trigger), 413, 415 (not JSON), 429 RATE_LIMITED (per tenant and trigger)', schema: HookAccepted },
  },
  AgentsController_deployments: { parameters: [nameParam, limit(100)], success: ok(DeploymentList) },
  AgentsController_active: { parameters: [nameParam], success: ok(ref('Deployment')) },
  AgentsController_episodes: { parameters: [nameParam, qs('q', 200, 'Text to search the episodes for'), limit(100)], success: ok(Episodes) },
  AgentsController_run: {
    parameters: [nameParam, { name: 'Idempotency-Key', in: 'header', required: false, description: 'A repeat with the same key answers with the first run (200, replayed: true)', schema: str({ pattern: '^[\\x20-\\x7e]{1,255}$' }) }],
    body: { schema: RUN_BODY, required: true },
    success: { status: '202', description: 'Queued', schema: RunAccepted, also: { status: '200', description: 'A repeated Idempotency-Key: the first submission’s run (replayed: true)' } },
  },
  RunsController_list: {
    parameters: [qs('agent', 63), qs('status', 32), qs('since', 64, 'ISO 8601 time: runs created at or after'), limit(100), cursor],
    success: ok(RunList, 'Newest first'),
  },
  RunsController_get: { parameters: [idParam('runId', 'The run id')], success: ok(ref('Run')) },
  RunsController_history: {
    parameters: [idParam('runId', 'The run id')],
    success: {
      status: '200',
      description:
        'The run’s transitions, oldest first. With Accept: text/event-stream, Server-Sent Events: `event: transition` (id: its seq; send Last-Event-ID to resume after it) for each stored transition, `event: token` (no id; data {stepId, route, index, text}) for the model’s answer text as it streams while the stream is open, `event: token_dropped` (data {dropped}) once when a client that read too slowly lost tokens (transitions are never dropped), and a final `event: end` (data {runId, status, final}) when the run is final or the stream’s time is up.',
      content: {
        'application/json': { schema: RunEvents },
        'text/event-stream': { schema: str({ description: 'Server-Sent Events: transition (with id), token and token_dropped (without), end or error last' }) },
      },
    },
  },
  RunsController_cancel: { parameters: [idParam('runId', 'The run id')], body: { schema: CANCEL_BODY, required: false }, success: ok(ref('Run'), 'The run, cancelled (or already final)') },
  ValidationController_validate: { body: 'blueprint-source', success: ok(ref('ValidationReport'), 'The report (valid or not)') },
  SchemasController_schema: {
    parameters: [{ name: 'name', in: 'path', required: true, description: 'e.g. blueprint (an unknown name is 404)', schema: str({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }],
    success: { status: '200', description: 'The published JSON Schema (2020-12), with an ETag', content: { 'application/schema+json': { schema: { type: 'object' } } } },
  },
  ArtifactsController_compile: { parameters: [nameParam], body: versionBody, success: ok(Compiled) },
  ArtifactsController_describe: { parameters: [{ name: 'hash', in: 'path', required: true, schema: str({ pattern: '^sha256:[0-9a-f]{64}$' }) }], success: ok(Artifact) },
  DeadLettersController_list: { parameters: [qs('status', 32), limit(100), cursor], success: ok(page(ref('DeadLetter'))) },
  DeadLettersController_retry: { parameters: [idParam('id', 'The dead letter id')], body: { schema: RETRY_BODY, required: false }, success: { status: '202', description: 'Re-queued', schema: DeadLetterRetried } },
  EscalationsController_list: { parameters: [qs('status', 32), qs('kind', 32), qs('runId', 256), { ...limit(200) }, cursor], success: ok(page(ref('Escalation'))) },
  EscalationsController_get: { parameters: [idParam('id', 'The escalation id')], success: ok(ref('Escalation')) },
  EscalationsController_approve: { parameters: [idParam('id', 'The escalation id')], body: { schema: DECISION_BODY, required: false }, success: ok(ref('Escalation'), 'The escalation after the decision') },
  EscalationsController_reject: { parameters: [idParam('id', 'The escalation id')], body: { schema: DECISION_BODY, required: false }, success: ok(ref('Escalation'), 'The escalation after the decision') },
  AuditController_list: {
    parameters: [
      qs('action', 64),
      qs('actor', 256),
      qs('resourceType', 64),
      qs('resourceId', 512),
      q('since', str({ format: 'date-time' }), 'Inclusive'),
      q('until', str({ format: 'date-time' }), 'Exclusive'),
      limit(200),
      qs('cursor', 64),
    ],
    success: ok(page(ref('AuditRecord')), 'Newest first; any other query parameter is refused'),
  },
  AuditController_verify: { success: ok(AuditVerification, 'The tenant’s hash chain checked') },
  UsageController_query: {
    parameters: [
      q('groupBy', str({ enum: [...USAGE_GROUPS] }), 'How rows are keyed; absent: agent'),
      q('from', str({ maxLength: 40 }), 'A date (2026-11-01) or RFC 3339 time, inclusive; absent: the start of this UTC month'),
      q('to', str({ maxLength: 40 }), 'A date or RFC 3339 time, exclusive; absent: now'),
      q('agent', str({ pattern: DNS_LABEL.source, maxLength: 63 }), 'Only this agent’s usage'),
    ],
    success: ok(Usage, 'Model usage summed per group over [from, to); any other query parameter is refused'),
  },
  BudgetsController_list: { parameters: [q('agent', str({ pattern: DNS_LABEL.source, maxLength: 63 }), 'That agent’s budgets and the tenant’s')], success: ok(BudgetList, 'The budgets with where each stands in its current period') },
  BudgetsController_putTenant: { parameters: [periodParam], body: budgetBody, success: ok(ref('Budget'), 'The tenant’s budget as set') },
  BudgetsController_putAgent: { parameters: [agentParam, periodParam], body: budgetBody, success: ok(ref('Budget'), 'The agent’s budget as set') },
  BudgetsController_deleteTenant: { parameters: [periodParam], success: ok(ref('Budget'), 'The removed budget (404 when there was none)') },
  BudgetsController_deleteAgent: { parameters: [agentParam, periodParam], success: ok(ref('Budget'), 'The removed budget (404 when there was none)') },
  SecretsController_list: { success: ok(SecretList, 'Metadata only: values are never returned') },
  SecretsController_get: { parameters: [secretParam], success: ok(ref('SecretMetadata'), 'Metadata only') },
  SecretsController_put: {
    parameters: [secretParam],
    body: { schema: SECRET_BODY, required: true },
    success: { status: '201', description: 'Created (version 1); metadata only', schema: ref('SecretMetadata'), also: { status: '200', description: 'Rotated: a new version' } },
  },
  SecretsController_delete: { parameters: [secretParam], success: ok(ref('SecretMetadata'), 'The deleted secret’s metadata (404 when there was none)') },
  MemoryController_store: { body: { schema: MEMORY_BODY, required: true }, success: { status: '201', description: 'Stored in every tier; the entities extracted into the graph', schema: MemoryStored } },
  MemoryController_get: { parameters: [{ name: 'id', in: 'path', required: true, description: 'The memory id', schema: str({ pattern: MEMORY_ID.source }) }], success: ok(ref('MemoryItem')) },
  MemoryController_search: {
    parameters: [
      q('query', str({ maxLength: MEMORY_QUERY_MAX }), 'The text to search for (required for tier=semantic; absent: the latest episodic memories; tier=working: a substring)'),
      q('tier', str({ enum: [...MEMORY_TIERS] }), 'Absent: episodic and semantic merged'),
      q('subjectId', str({ pattern: SUBJECT_ID.source }), 'Only memories about this subject'),
      q('agent', str({ pattern: DNS_LABEL.source, maxLength: 63 }), 'Only this agent’s memories'),
      limit(MEMORY_SEARCH_LIMIT_MAX),
      q('since', str({ format: 'date-time' }), 'RFC 3339, inclusive (episodic)'),
      q('until', str({ format: 'date-time' }), 'RFC 3339, exclusive (episodic)'),
      q('scope', str({ enum: [...WORKING_SCOPES] }), 'tier=working (with agent and scopeId): run, thread or user'),
      q('scopeId', str({ pattern: SUBJECT_ID.source }), 'tier=working: the scope’s id'),
    ],
    success: ok(MemorySearch, 'Best first; any other query parameter is refused'),
  },
  MemoryController_graph: {
    parameters: [{ ...q('entity', str({ minLength: 1, maxLength: MEMORY_ENTITY_MAX }), 'An entity’s name'), required: true }, q('depth', int({ minimum: 1, maximum: MEMORY_GRAPH_DEPTH_MAX }), 'Hops from the entity; absent: 1')],
    success: ok(MemoryGraph, 'The entity (null when unknown), its neighbours and the relations between them'),
  },
  MemoryController_forget: {
    parameters: [{ name: 'subjectId', in: 'path', required: true, description: 'The subject to forget', schema: str({ pattern: SUBJECT_ID.source }) }],
    success: ok(SubjectForgotten, 'Removed from every tier (audited), with what a read-back found'),
  },
  MemoryController_getWorking: { parameters: workingParams, success: ok(WorkingMemory, 'The document, its version, the message window and the TTL left') },
  MemoryController_putWorking: { parameters: workingParams, body: { schema: WORKING_PUT_BODY, required: true }, success: ok(WorkingMemory, 'Stored as the next version; 409 CONFLICT when expectedVersion is not the stored version') },
  ApiKeysController_create: { body: { schema: API_KEY_BODY, required: true }, success: { status: '201', description: 'Created: the key is in this answer only', schema: ApiKeyCreated } },
  ApiKeysController_list: { success: ok(view({ items: arr(ref('ApiKey')) }), 'Newest first, never the key itself') },
  MeshController_status: {
    success: ok(view({ status: str(), services: arr(view({ service: str(), state: str(), instances: int(), lastSeenMs: int(), checks: { type: 'object', additionalProperties: str() } })) }), 'The mesh as the health service sees it (heartbeats)'),
  },
  HealthController_live: { success: ok(view({ status: { const: 'up' } }), 'The process answers') },
  HealthController_startup: { success: ok(view({ status: str({ enum: ['up', 'starting'] }) }), 'Started (503 with status: starting before)') },
  HealthController_ready: {
    success: ok(view({ status: str({ enum: ['up', 'down'] }), checks: { type: 'object', additionalProperties: view({ status: str({ enum: ['up', 'down'] }), ms: { type: 'number' }, error: str() }, ['error']) } }), 'Every dependency up (503 with the same body when one is down)'),
  },
  MetricsController_scrape: { success: { status: '200', description: 'Prometheus metrics', content: { 'text/plain': { schema: str({ description: 'Prometheus text exposition format 0.0.4' }) } } } },
  ApiKeysController_revoke: { parameters: [idParam('id', 'The key id')], success: { status: '204', description: 'Revoked (also when it already was)' } },
};

/** The content of a request body as the document gives it. */
export function requestBodyOf(body: NonNullable<OperationSchemas['body']>) {
  if (body === 'blueprint-source') return { required: true, description: 'The blueprint, YAML or JSON, kept as written', content: BLUEPRINT_SOURCE_CONTENT };
  if (body === 'blueprint-test') return { required: true, description: 'The draft (and an ad-hoc input) as JSON, or the draft alone as YAML', content: BLUEPRINT_TEST_CONTENT };
  return { required: body.required, ...(body.description ? { description: body.description } : {}), content: { 'application/json': { schema: body.schema } } };
}
