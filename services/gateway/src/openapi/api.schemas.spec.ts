import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform } from '@nestjs/common';
import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode, isAppError } from '@af/errors';
import type { MessageBus } from '@af/messaging';
import { AgentsApi } from '../agents/agents.api.js';
import { AgentsController } from '../agents/agents.controller.js';
import { parseCreateApiKey } from '../api-keys/api-key.body.js';
import { ArtifactsApi } from '../artifacts/artifacts.api.js';
import { ArtifactsController } from '../artifacts/artifacts.controller.js';
import type { Principal } from '../auth/principal.js';
import { BlueprintsApi } from '../blueprints/blueprints.api.js';
import { BlueprintsController } from '../blueprints/blueprints.controller.js';
import { DeadLettersApi } from '../dead-letters/dead-letters.api.js';
import { DeadLettersController } from '../dead-letters/dead-letters.controller.js';
import { EscalationsApi } from '../escalations/escalations.api.js';
import { EscalationsController } from '../escalations/escalations.controller.js';
import { RunsApi } from '../runs/runs.api.js';
import { BudgetsApi, BudgetsController } from '../budgets/budgets.controller.js';
import { budgetView, usageView } from '../budgets/budgets.api.js';
import { SecretsApi, SecretsController } from '../secrets/secrets.controller.js';
import { secretView } from '../secrets/secrets.api.js';
import { RunsController } from '../runs/runs.controller.js';
import { WebhooksApi, WebhooksController } from '../webhooks/webhooks.controller.js';
import { deliveryView, webhookView } from '../webhooks/webhooks.api.js';
import { agentStatsView, agentView, healthOverviewView } from '../health/health.views.js';
import { agentListView } from '../agents/agent-list.views.js';
import { triggerView } from '../triggers/triggers.views.js';
import { MemoryApi, MemoryController } from '../memory/memory.controller.js';
import { memoryGraphView, memoryItemView, workingMemoryView } from '../memory/memory.api.js';
import { create } from '@bufbuild/protobuf';
import addFormats from 'ajv-formats';
import {
  AuditRecordSchema,
  AgentStatsReplySchema,
  AgentViewSchema,
  HealthOverviewReplySchema,
  TriggerInfoSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  MemoryGraphReplySchema,
  MemoryItemSchema,
  WorkingMemoryReplySchema,
  BudgetSchema,
  QueryUsageReplySchema,
  SecretMetadataSchema,
  BlueprintVersionSchema,
  DeadLetterSchema,
  DeploymentSchema,
  DraftEvalsReplySchema,
  EscalationSchema,
  ListBlueprintsReplySchema,
  RunSchema,
  RunSummarySchema,
  RunTransitionSchema,
  VerifyAuditReplySchema,
} from '@af/contracts';
import { auditRecordView, auditVerifyView } from '../audit/audit.api.js';
import { blueprintListView, draftTestView } from '../blueprints/blueprint.views.js';
import { deadLetterView } from '../dead-letters/dead-letters.api.js';
import { escalationView } from '../escalations/escalations.api.js';
import { blueprintView, deploymentView, runView } from '../http/views.js';
import { runSummaryView, transitionView } from '../runs/run.views.js';
import { BLUEPRINT_TEST_BODY, DEPLOY_BODY, ROLLBACK_BODY, WEBHOOK_BODY, MEMORY_BODY, WORKING_PUT_BODY, API_KEY_BODY, BUDGET_BODY, SECRET_BODY, CANCEL_BODY, COMPONENT_SCHEMAS, DECISION_BODY, RETRY_BODY, RUN_BODY, VERSION_BODY, VIEW_SCHEMAS } from './api.schemas.js';

/**
 * The documented request bodies (`api.schemas.ts`) against the real parsers: for every sample the
 * schema (ajv, JSON Schema 2020-12) and the route's parsing — its controller's body pipes as
 * declared on the route, then the API method — agree, and both agree with the table.
 */

/** Thrown by the bus: the body got past every check (nothing is sent anywhere). */
class ReachedTheBus extends Error {}
const bus = {
  request: () => {
    throw new ReachedTheBus();
  },
} as unknown as MessageBus;
const principal: Principal = { subject: 'u1', tenantId: 't1' as TenantId, roles: ['Administrator'], permissions: [] };

/** The pipes of the route's `@Body()` parameter (e.g. `AllowedFields`), as the controller declares them. */
function bodyPipes(controller: object, method: string): PipeTransform[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { pipes?: PipeTransform[] }>;
  const body = Object.entries(args).find(([key]) => key.startsWith('3:')); // RouteParamtypes.BODY
  if (!body) throw new Error(`${method} has no @Body() parameter`);
  return body[1].pipes ?? [];
}

/** true when the route accepts the body, false when it refuses it with a 400 AppError. */
async function routeAccepts(controller: object, method: string, call: (body: unknown) => Promise<unknown> | unknown, body: unknown): Promise<boolean> {
  try {
    let value = body;
    for (const pipe of bodyPipes(controller, method)) value = await pipe.transform(value, { type: 'body' });
    await call(value);
    return true;
  } catch (error) {
    if (error instanceof ReachedTheBus) return true;
    if (isAppError(error)) return false;
    throw error;
  }
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
const now = new Date();
const future = new Date(now.getTime() + 86_400_000).toISOString();

type Row = [sample: unknown, accepted: boolean];
const versionRows: Row[] = [
  [{}, true],
  [{ version: 1 }, true],
  [{ version: 2_147_483_647 }, true],
  [{ version: '12' }, true],
  [{ version: '2147483647' }, true],
  [{ version: '' }, true],
  [{ version: null }, true],
  [{ version: 0 }, false],
  [{ version: -1 }, false],
  [{ version: 1.5 }, false],
  [{ version: 2_147_483_648 }, false],
  [{ version: '2147483648' }, false],
  [{ version: '0' }, false],
  [{ version: 'v1' }, false],
  [{ version: true }, false],
  [{ version: 1, tenantId: 't2' }, false],
  [[], false],
  ['1', false],
];

const cases: { name: string; schema: object; rows: Row[]; accepts: (body: unknown) => Promise<boolean> }[] = [
  {
    name: 'POST /v1/agents/{name}/deployments',
    schema: DEPLOY_BODY,
    rows: [
      ...versionRows,
      [{ version: 2, strategy: 'canary', canaryPercent: 10, windowSeconds: 600, thresholds: { maxFailureRate: 0.2, maxP95Ms: 30_000, minRuns: 5 }, force: false }, true],
      [{ strategy: 'immediate' }, true],
      [{ strategy: null, canaryPercent: null, windowSeconds: null, thresholds: null, force: null }, true],
      [{ canaryPercent: 99, windowSeconds: 0, thresholds: {} }, true],
      [{ windowSeconds: 86_400, thresholds: { maxFailureRate: 0, maxP95Ms: null, minRuns: 100_000 } }, true],
      [{ strategy: 'blue-green' }, false],
      [{ strategy: 1 }, false],
      [{ canaryPercent: 0 }, false],
      [{ canaryPercent: 100 }, false],
      [{ canaryPercent: 12.5 }, false],
      [{ canaryPercent: '10' }, false],
      [{ windowSeconds: -1 }, false],
      [{ windowSeconds: 86_401 }, false],
      [{ thresholds: { maxFailureRate: 1.5 } }, false],
      [{ thresholds: { maxFailureRate: '0.1' } }, false],
      [{ thresholds: { maxP95Ms: 86_400_001 } }, false],
      [{ thresholds: { minRuns: -1 } }, false],
      [{ thresholds: { minRuns: 1, maxErrors: 2 } }, false],
      [{ thresholds: [] }, false],
      [{ force: 'yes' }, false],
      [{ status: 'active' }, false],
    ],
    accepts: (b) => routeAccepts(AgentsController, 'deploy', (v) => new AgentsApi(bus).deploy(principal, 'agent', v), b),
  },
  {
    name: 'POST /v1/agents/{name}/rollback',
    schema: ROLLBACK_BODY,
    rows: [
      [{}, true],
      [{ toVersion: 3, reason: 'p95 doubled' }, true],
      [{ toVersion: '3', reason: null }, true],
      [{ toVersion: null, reason: 'x'.repeat(1000) }, true],
      [{ toVersion: 0 }, false],
      [{ toVersion: 'v2' }, false],
      [{ reason: 'x'.repeat(1001) }, false],
      [{ reason: 7 }, false],
      [{ version: 2 }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(AgentsController, 'rollback', (v) => new AgentsApi(bus).rollback(principal, 'agent', v), b),
  },
  { name: 'POST /v1/agents/{name}/evals', schema: VERSION_BODY, rows: versionRows, accepts: (b) => routeAccepts(AgentsController, 'evals', (v) => new AgentsApi(bus).evals(principal, 'agent', v), b) },
  {
    name: 'POST /v1/webhooks',
    schema: WEBHOOK_BODY,
    rows: [
      [{ url: 'https://hooks.example.com/af', events: ['deployment.*'], secret: 's'.repeat(16) }, true],
      [{ url: 'http://hooks.example.com:8443/x?y=1', events: ['run.failed', 'deployment.rolled_back'], secret: 's'.repeat(256), description: 'ops', agent: 'lead-qualifier' }, true],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(20), description: null, agent: null }, true],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(20), agent: '' }, true],
      [{ events: ['run.*'], secret: 's'.repeat(20) }, false],
      [{ url: 'ftp://h.example/x', events: ['run.*'], secret: 's'.repeat(20) }, false],
      [{ url: '', events: ['run.*'], secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example/' + 'x'.repeat(2048), events: ['run.*'], secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example', events: [], secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example', events: ['run.started'], secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example', events: Array(17).fill('run.*'), secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example', events: 'run.*', secret: 's'.repeat(20) }, false],
      [{ url: 'https://h.example', events: ['run.*'] }, false],
      [{ url: 'https://h.example', events: ['run.*'], secret: 'short' }, false],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(257) }, false],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(20), description: 'd'.repeat(501) }, false],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(20), agent: 'Not An Agent' }, false],
      [{ url: 'https://h.example', events: ['run.*'], secret: 's'.repeat(20), id: 'x' }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(WebhooksController, 'create', (v) => new WebhooksApi(bus).create(principal, v), b),
  },
  { name: 'POST /v1/blueprints/{name}/compile', schema: VERSION_BODY, rows: versionRows, accepts: (b) => routeAccepts(ArtifactsController, 'compile', (v) => new ArtifactsApi(bus).compile('agent', v), b) },
  {
    name: 'POST /v1/blueprints/{name}/validate',
    schema: VERSION_BODY,
    rows: versionRows,
    accepts: (b) => routeAccepts(BlueprintsController, 'validate', (v) => new BlueprintsApi(bus).validate(principal, 'agent', undefined, v), b),
  },
  {
    name: 'POST /v1/blueprints/{name}/test',
    schema: BLUEPRINT_TEST_BODY,
    rows: [
      [{ blueprint: 'apiVersion: agentfactory.io/v1\nkind: Agent\n' }, true],
      [{ blueprint: { kind: 'Agent' } }, true],
      [{ blueprint: { kind: 'Agent' }, input: { message: 'hi' } }, true],
      [{ blueprint: 'kind: Agent', input: null }, true],
      [{ blueprint: {} }, true],
      [{}, false],
      [{ blueprint: '' }, false],
      [{ blueprint: null }, false],
      [{ blueprint: 3 }, false],
      [{ blueprint: ['kind: Agent'] }, false],
      [{ blueprint: 'kind: Agent', input: 'hi' }, false],
      [{ blueprint: 'kind: Agent', input: [1] }, false],
      [{ blueprint: 'kind: Agent', version: 2 }, false],
      [[], false],
      ['kind: Agent', false],
    ],
    accepts: (b) => routeAccepts(BlueprintsController, 'test', (v) => new BlueprintsApi(bus).test(principal, 'agent', v, 'application/json'), b),
  },
  {
    name: 'POST /v1/agents/{name}/runs',
    schema: RUN_BODY,
    rows: [
      [{}, true],
      [{ input: { question: 'hi' } }, true],
      [{ input: null }, true],
      [{ input: {}, priority: 'high' }, true],
      [{ priority: 'low' }, true],
      [{ priority: '' }, true],
      [{ priority: null }, true],
      [{ input: [] }, false],
      [{ input: 'hi' }, false],
      [{ priority: 'urgent' }, false],
      [{ priority: 1 }, false],
      [{ input: {}, status: 'succeeded' }, false],
      [[], false],
      ['x', false],
    ],
    accepts: (b) => routeAccepts(AgentsController, 'run', (v) => new AgentsApi(bus).run(principal, 'agent', v, undefined), b),
  },
  {
    name: 'POST /v1/runs/{runId}/cancel',
    schema: CANCEL_BODY,
    rows: [
      [{}, true],
      [{ reason: 'wrong input' }, true],
      [{ reason: null }, true],
      [{ reason: 'x'.repeat(1000) }, true],
      [{ reason: 'x'.repeat(1001) }, false],
      [{ reason: 3 }, false],
      [{ reason: 'x', force: true }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(RunsController, 'cancel', (v) => new RunsApi(bus).cancel(principal, 'run-1', v), b),
  },
  ...(['approve', 'reject'] as const).map((decision) => ({
    name: `POST /v1/escalations/{id}/${decision}`,
    schema: DECISION_BODY,
    rows: [
      [{}, true],
      [{ reason: 'looks right' }, true],
      [{ reason: null }, true],
      [{ reason: false }, false],
      [{ reason: 'x', approver: 'u2' }, false],
      [[], false],
    ] as Row[],
    accepts: (b: unknown) => routeAccepts(EscalationsController, decision, (v) => new EscalationsApi(bus).decide(principal, 'esc-1', decision, v), b),
  })),
  {
    name: 'POST /v1/dead-letters/{id}/retry',
    schema: RETRY_BODY,
    rows: [
      [{}, true],
      [{ input: { a: 1 } }, true],
      [{ input: null }, false],
      [{ input: [1] }, false],
      [{ input: {}, runId: 'r' }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(DeadLettersController, 'retry', (v) => new DeadLettersApi(bus).retry(principal, 'dl-1', v), b),
  },
  ...(['putTenant', 'putAgent'] as const).map((method) => ({
    name: `PUT /v1/budgets (${method})`,
    schema: BUDGET_BODY,
    rows: [
      [{ limitUsd: 25 }, true],
      [{ limitUsd: 0 }, true],
      [{ limitUsd: 0.01 }, true],
      [{ limitUsd: 1_000_000_000 }, true],
      [{ limitUsd: 1_000_000_001 }, false],
      [{ limitUsd: -1 }, false],
      [{ limitUsd: '25' }, false],
      [{ limitUsd: null }, false],
      [{}, false],
      [{ limitUsd: 5, spentUsd: 0 }, false],
      [[], false],
    ] as Row[],
    accepts: (b: unknown) => routeAccepts(BudgetsController, method, (v) => new BudgetsApi(bus).put(principal, method === 'putAgent' ? { agent: 'agent', period: 'day' } : { period: 'month' }, v), b),
  })),
  {
    name: 'PUT /v1/secrets/{name}',
    schema: SECRET_BODY,
    rows: [
      [{ value: 'sk-live-1' }, true],
      [{ value: 'x'.repeat(16_384), description: 'the CRM key' }, true],
      [{ value: 'x', description: null }, true],
      [{ value: 'x'.repeat(16_385) }, false],
      [{ value: '' }, false],
      [{ value: 42 }, false],
      [{}, false],
      [{ value: 'x', description: 'd'.repeat(501) }, false],
      [{ value: 'x', description: 7 }, false],
      [{ value: 'x', version: 3 }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(SecretsController, 'put', (v) => new SecretsApi(bus).put(principal, 'CRM_KEY', v), b),
  },
  {
    name: 'POST /v1/api-keys',
    schema: API_KEY_BODY,
    rows: [
      [{ name: 'ci', roles: ['Viewer'] }, true],
      [{ name: 'ci', roles: ['Viewer', 'Developer', 'Viewer'], expiresAt: future }, true],
      [{ name: 'ci', roles: ['Viewer'], expiresAt: '2099-01-31T00:00+01:00' }, true],
      [{ name: 'ci', roles: ['Viewer'], expiresAt: null }, true],
      [{ name: 'x'.repeat(100), roles: ['Administrator'] }, true],
      [{ name: 'x'.repeat(101), roles: ['Viewer'] }, false],
      [{ name: '   ', roles: ['Viewer'] }, false],
      [{ name: '', roles: ['Viewer'] }, false],
      [{ roles: ['Viewer'] }, false],
      [{ name: 'ci' }, false],
      [{ name: 'ci', roles: [] }, false],
      [{ name: 'ci', roles: Array(17).fill('Viewer') }, false],
      [{ name: 'ci', roles: Array(16).fill('Viewer') }, true],
      [{ name: 'ci', roles: ['Root'] }, false],
      [{ name: 'ci', roles: 'Viewer' }, false],
      [{ name: 'ci', roles: ['Viewer'], expiresAt: '2099-01-31' }, false],
      [{ name: 'ci', roles: ['Viewer'], expiresAt: '2099-01-31T00:00:00' }, false],
      [{ name: 'ci', roles: ['Viewer'], tenantId: 't2' }, false],
      [[], false],
    ],
    accepts: async (b) => {
      try {
        parseCreateApiKey(b, now);
        return true;
      } catch (error) {
        if (isAppError(error)) return false;
        throw error;
      }
    },
  },
  {
    name: 'POST /v1/memory',
    schema: MEMORY_BODY,
    rows: [
      [{ content: 'Alice Martin prefers e-mail' }, true],
      [{ content: 'x', subjectId: 'user.alice@example.com', source: 'crm', metadata: { channel: 'support' }, agent: 'crm-bot' }, true],
      [{ content: 'x', subjectId: null, source: null, metadata: null, agent: null }, true],
      [{ content: 'x', subjectId: '', agent: '' }, true],
      [{ content: 'x'.repeat(16_384), subjectId: 's'.repeat(128), source: 's'.repeat(64) }, true],
      [{ content: 'x'.repeat(16_385) }, false],
      [{}, false],
      [{ content: '' }, false],
      [{ content: '  \n ' }, false],
      [{ content: 7 }, false],
      [{ content: null }, false],
      [{ content: 'x', subjectId: 'has space' }, false],
      [{ content: 'x', subjectId: 's'.repeat(129) }, false],
      [{ content: 'x', subjectId: 3 }, false],
      [{ content: 'x', subjectId: 'user:alice' }, false],
      [{ content: 'x', subjectId: '-lead' }, false],
      [{ content: 'x', source: 's'.repeat(65) }, false],
      [{ content: 'x', metadata: [1] }, false],
      [{ content: 'x', metadata: 'm' }, false],
      [{ content: 'x', agent: 'Not_A_Name' }, false],
      [{ content: 'x', tenantId: 't2' }, false],
      [[], false],
      ['x', false],
    ],
    accepts: (b) => routeAccepts(MemoryController, 'store', (v) => new MemoryApi(bus).store(v), b),
  },
  {
    name: 'PUT /v1/memory/working/{agent}/{scope}/{scopeId}',
    schema: WORKING_PUT_BODY,
    rows: [
      [{ document: {}, expectedVersion: 0 }, true],
      [{ document: { step: 2, notes: ['a'] }, expectedVersion: 3, appendMessages: ['hi'], ttlSeconds: 600, subjectId: 'user-alice' }, true],
      [{ document: {}, expectedVersion: 1, appendMessages: null, ttlSeconds: null, subjectId: null }, true],
      [{ document: {}, expectedVersion: 0, appendMessages: Array(100).fill('m'), ttlSeconds: 2_592_000 }, true],
      [{ document: {}, expectedVersion: 0, ttlSeconds: 0 }, true],
      [{ expectedVersion: 0 }, false],
      [{ document: null, expectedVersion: 0 }, false],
      [{ document: [], expectedVersion: 0 }, false],
      [{ document: 'text', expectedVersion: 0 }, false],
      [{ document: {} }, false],
      [{ document: {}, expectedVersion: -1 }, false],
      [{ document: {}, expectedVersion: 1.5 }, false],
      [{ document: {}, expectedVersion: '1' }, false],
      [{ document: {}, expectedVersion: 0, appendMessages: Array(101).fill('m') }, false],
      [{ document: {}, expectedVersion: 0, appendMessages: [''] }, false],
      [{ document: {}, expectedVersion: 0, appendMessages: [7] }, false],
      [{ document: {}, expectedVersion: 0, appendMessages: 'm' }, false],
      [{ document: {}, expectedVersion: 0, ttlSeconds: 2_592_001 }, false],
      [{ document: {}, expectedVersion: 0, ttlSeconds: -1 }, false],
      [{ document: {}, expectedVersion: 0, subjectId: 'a b' }, false],
      [{ document: {}, expectedVersion: 0, version: 2 }, false],
      [[], false],
    ],
    accepts: (b) => routeAccepts(MemoryController, 'putWorking', (v) => new MemoryApi(bus).putWorking('crm-bot', 'thread', 't-1', v), b),
  },
];

describe('documented request bodies', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: the schema accepts exactly what the route accepts', async (_, { schema, rows, accepts }) => {
    const validate = ajv.compile(schema);
    expect(rows.some(([, ok]) => ok) && rows.some(([, ok]) => !ok)).toBe(true);
    for (const [sample, accepted] of rows) {
      const verdict = { sample, schema: validate(sample), route: await accepts(sample) };
      expect(verdict).toEqual({ sample, schema: accepted, route: accepted });
    }
  });
});

describe('documented response bodies', () => {
  const views = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(views);
  /** A document's `#/components/schemas/X` read from the shared components. */
  const resolve = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"af:components#/$defs/')) as object;
  views.addSchema({ $id: 'af:components', $defs: resolve(COMPONENT_SCHEMAS) });
  const check = (schema: object, value: unknown) => {
    const validate = views.compile(resolve(schema));
    return { valid: validate(value), errors: validate.errors ?? null };
  };
  const at = '2026-11-24T10:00:00.000Z';
  const component = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const deploymentSample = {
    deploymentId: 'd2',
    agent: 'a',
    version: 2,
    artifactHash: 'sha256:y',
    status: 'canary',
    createdAt: at,
    createdBy: 'u',
    strategy: 'canary',
    canaryPercent: 10,
    windowSeconds: 600,
    windowEndsAt: at,
    thresholds: { maxFailureRate: 0.2, maxP95Ms: 30_000, minRuns: 5 },
    previousDeploymentId: 'd1',
    forced: true,
    swapMs: 12.5,
    evalReport: { agent: 'a', version: 2, artifactHash: 'sha256:y', passed: false, total: 2, failed: 1, workerId: 'w1', cases: [{ name: 'greets', passed: true, outputJson: '{"x":1}', durationMs: 3 }, { name: 'fails', passed: false, failures: ['/x: expected 2, got 1'], error: 'TOOL_FAILED: boom' }] },
    transitions: [
      { fromStatus: '', toStatus: 'pending', at, actor: 'u', reason: 'deploy version 2' },
      { fromStatus: 'pending', toStatus: 'warming', at, actor: 'u', reason: 'warming', detailsJson: '{"workerId":"w1"}' },
    ],
  };
  const report = { valid: false, errors: [{ tier: 'schema', code: 'E1', path: '/a', message: 'm', severity: 'error' }], suggestions: [{ path: '/a', message: 's', replacementJson: '{"x":1}' }], omitted: 2 };

  it.each([
    [
      'Run (full)',
      component('Run'),
      runView(
        create(RunSchema, {
          runId: 'r1',
          agent: 'a',
          version: 2,
          artifactHash: 'sha256:x',
          status: 'failed',
          inputJson: '{"q":1}',
          outputJson: '',
          error: { code: 'TOOL_FAILED', message: 'm', path: '/x' },
          attempts: 2,
          toolCalls: [{ tool: 't', argumentsJson: '{}', resultJson: '1', durationMs: 1.5, error: 'boom' }],
          usage: { provider: 'p', model: 'm', inputTokens: 1, outputTokens: 2, costUsd: 0.01, cachedInputTokens: 0, calls: [{ route: 'p/m', outcome: 'ok', durationMs: 3.2, stepId: 'r1/1' }] },
          traceId: 't',
          correlationId: 'c',
          createdAt: at,
          startedAt: at,
          finishedAt: at,
          priority: 'high',
          workerId: 'w1',
          requestedBy: 'u1',
          waitingFor: 'esc-1',
        }),
      ),
    ],
    ['Run (queued, nothing yet)', component('Run'), runView(create(RunSchema, { runId: 'r1', agent: 'a', version: 1, status: 'queued', createdAt: at }))],
    ['RunSummary page', VIEW_SCHEMAS.RunList, { items: [runSummaryView(create(RunSummarySchema, { runId: 'r', agent: 'a', version: 1, status: 'queued', priority: 'normal', createdAt: at }))], nextCursor: null }],
    ['RunEvents', VIEW_SCHEMAS.RunEvents, { runId: 'r', status: 'running', final: false, items: [transitionView(create(RunTransitionSchema, { seq: 1, toStatus: 'queued', at, reason: 'submitted' }))] }],
    ['Deployment', component('Deployment'), deploymentView(create(DeploymentSchema, { deploymentId: 'd', agent: 'a', version: 1, artifactHash: 'sha256:x', status: 'active', createdAt: at, createdBy: 'u' }))],
    ['Deployment (canary, transitions, eval report)', component('Deployment'), deploymentView(create(DeploymentSchema, deploymentSample))],
    ['Deployment (unchanged)', component('Deployment'), { ...deploymentView(create(DeploymentSchema, deploymentSample)), message: 'version 2 of a is already active: nothing changed' }],
    ['EvalReport', component('EvalReport'), deploymentView(create(DeploymentSchema, deploymentSample)).evalReport],
    [
      'AgentView',
      VIEW_SCHEMAS.AgentView,
      agentView(
        create(AgentViewSchema, {
          agent: 'a',
          health: 'healthy',
          active: { deploymentId: 'd1', agent: 'a', version: 1, status: 'active', createdAt: at },
          canary: deploymentSample,
          versions: [{ version: 2, artifactHash: 'sha256:y', role: 'canary', percent: 10, inFlightRuns: 3n, runs: 10n, failed: 1n, failureRate: 0.1, p95Ms: 1200, deploymentId: 'd2' }],
        }),
      ),
    ],
    [
      'AgentList',
      VIEW_SCHEMAS.AgentList,
      agentListView(create(ListBlueprintsReplySchema, { items: [{ name: 'a', latestVersion: 2, labels: { team: 'ops' }, updatedAt: at, valid: true }, { name: 'b', latestVersion: 1, updatedAt: at }], nextCursor: 'c' }), [
        {
          deployment: {
            ok: true,
            value: create(AgentViewSchema, { agent: 'a', health: 'healthy', active: { deploymentId: 'd1', agent: 'a', version: 1, status: 'active', createdAt: at }, canary: deploymentSample, versions: [{ version: 2, role: 'canary', percent: 10, inFlightRuns: 3n }] }),
          },
          health: { ok: true, value: create(AgentStatsReplySchema, { agent: 'a', windowMs: 600_000n, versions: [{ version: 1, runs: 4n, succeeded: 3n, failed: 1n, failureRate: 0.25, p50Ms: 10, p95Ms: 20 }] }) },
        },
        { deployment: { ok: false, error: new AppError(ErrorCode.Timeout, 'timed out') }, health: { ok: false, error: new AppError(ErrorCode.Unavailable, 'down') } },
      ]),
    ],
    ['AgentView (nothing live)', VIEW_SCHEMAS.AgentView, agentView(create(AgentViewSchema, { agent: 'a' }))],
    ['AgentStats', VIEW_SCHEMAS.AgentStats, agentStatsView(create(AgentStatsReplySchema, { agent: 'a', windowMs: 600_000n, versions: [{ version: 1, runs: 4n, succeeded: 3n, failed: 1n, failureRate: 0.25, p50Ms: 10, p95Ms: 20, lastFinishedMs: 1_700_000_000_000n, probe: 'ok' }, { version: 2 }] }))],
    [
      'HealthOverview',
      VIEW_SCHEMAS.HealthOverview,
      healthOverviewView(
        create(HealthOverviewReplySchema, {
          status: 'ok',
          services: [{ service: 'worker', state: 'up', instances: 2, lastSeenMs: 5n, checks: { nats: 'up' } }],
          workers: [{ workerId: 'w1', state: 'alive', lastSeenMs: 5n, inFlight: 1, slots: 4 }],
          agents: [{ agent: 'a', version: 1, state: 'unhealthy', runs: 9n, failureRate: 0.5, p95Ms: 100, reason: 'failure rate 0.5 > 0.2' }, { agent: 'b', version: 1, state: 'healthy' }],
        }),
      ),
    ],
    ['TriggerList', VIEW_SCHEMAS.TriggerList, { agent: 'a', items: [triggerView(create(TriggerInfoSchema, { agent: 'a', id: 'nightly', type: 'schedule', version: 1, cron: '0 3 * * *', timezone: 'Europe/Paris', nextFireAt: at, fired: 3n })), triggerView(create(TriggerInfoSchema, { agent: 'a', id: 'crm', type: 'webhook', version: 1 }))] }],
    ['Webhook', component('Webhook'), webhookView(create(WebhookSchema, { id: 'w', url: 'https://h.example', events: ['run.*'], createdAt: at, createdBy: 'u' }))],
    ['WebhookList', VIEW_SCHEMAS.WebhookList, { items: [webhookView(create(WebhookSchema, { id: 'w', url: 'https://h.example', events: ['deployment.*'], agent: 'a', description: 'd', createdAt: at, createdBy: 'u' }))] }],
    [
      'WebhookDeliveries',
      VIEW_SCHEMAS.WebhookDeliveries,
      {
        items: [
          deliveryView(create(WebhookDeliverySchema, { id: 'x', webhookId: 'w', eventId: 'e', eventType: 'run.failed', attempt: 2, status: 'retrying', responseStatus: 500, createdAt: at, nextAttemptAt: at, durationMs: 12 })),
          deliveryView(create(WebhookDeliverySchema, { id: 'y', webhookId: 'w', eventId: 'e2', eventType: 'run.failed', attempt: 1, status: 'delivered', responseStatus: 200, createdAt: at, deliveredAt: at })),
        ],
        next: null,
      },
    ],
    ['HookAccepted', VIEW_SCHEMAS.HookAccepted, { runId: 'r', status: 'queued' }],
    ['Blueprint (with document)', component('Blueprint'), blueprintView(create(BlueprintVersionSchema, { name: 'a', version: 1, contentHash: 'h', author: 'u', createdAt: at, validation: report, documentJson: '{"kind":"Agent"}' }), true)],
    ['Blueprint (archived)', component('Blueprint'), blueprintView(create(BlueprintVersionSchema, { name: 'a', version: 3, contentHash: 'h', author: 'u', createdAt: at, archivedAt: at }), false)],
    [
      'BlueprintTestResult',
      VIEW_SCHEMAS.BlueprintTestResult,
      draftTestView(
        create(DraftEvalsReplySchema, {
          report: { agent: 'a', version: 0, artifactHash: 'sha256:d', passed: true, total: 1, failed: 0, workerId: 'w1', cases: [{ name: 'ad-hoc', passed: true, outputJson: '{"answer":"hi"}', durationMs: 4 }] },
          validation: { valid: true, warnings: [{ tier: 'semantic', code: 'W1', path: '/metadata', message: 'm', severity: 'warning' }] },
        }),
      ),
    ],
    ['Blueprint list', VIEW_SCHEMAS.BlueprintList, blueprintListView(create(ListBlueprintsReplySchema, { items: [{ name: 'a', latestVersion: 2, labels: { team: 'ops' }, createdAt: at, updatedAt: at, valid: true }], nextCursor: 'c' }))],
    [
      'Escalation',
      component('Escalation'),
      escalationView(
        create(EscalationSchema, {
          id: 'e',
          kind: 'tool_call',
          status: 'approved',
          runId: 'r',
          agent: 'a',
          version: 1,
          tool: 'http',
          argumentsJson: '{"u":1}',
          quorum: 1,
          level: 1,
          levels: 2,
          levelRoles: ['Administrator'],
          deadline: at,
          decisions: [{ actor: 'u2', decision: 'approve', level: 1, at }],
          decidedAt: at,
          decidedBy: 'u2',
          createdAt: at,
        }),
      ),
    ],
    ['Escalation (pending deployment)', component('Escalation'), escalationView(create(EscalationSchema, { id: 'e', kind: 'deployment', status: 'pending', agent: 'a', deadline: at, createdAt: at, detailsJson: '{"findings":[]}' }))],
    ['DeadLetter', component('DeadLetter'), deadLetterView(create(DeadLetterSchema, { id: 'd', stream: 'AF_RUNS', consumer: 'c', subject: 's', streamSeq: 7n, source: 'max_deliveries', reason: 'r', deliveries: 5, status: 'open', createdAt: at }))],
    ['AuditRecord', component('AuditRecord'), auditRecordView(create(AuditRecordSchema, { seq: 3n, eventId: 'ev', action: 'run.created', actor: 'u', resourceType: 'run', resourceId: 'r', outcome: 'success', detailsJson: '{"a":1}', at, service: 'gateway', prevHash: 'p', hash: 'h', recordedAt: at }))],
    ['Budget', component('Budget'), budgetView(create(BudgetSchema, { scope: 'agent', agent: 'a', period: 'day', limitUsd: 5, spentUsd: 1.25, reservedUsd: 0.5, periodStart: at, updatedAt: at, updatedBy: 'u' }))],
    ['Budget (tenant, never updated)', component('Budget'), budgetView(create(BudgetSchema, { scope: 'tenant', period: 'month', limitUsd: 100, periodStart: at }))],
    ['BudgetList', VIEW_SCHEMAS.BudgetList, { items: [budgetView(create(BudgetSchema, { scope: 'tenant', period: 'day', periodStart: at }))] }],
    [
      'Usage',
      VIEW_SCHEMAS.Usage,
      usageView(create(QueryUsageReplySchema, { groupBy: 'model', from: at, to: at, rows: [{ key: 'openai/gpt', calls: 2n, inputTokens: 10n, outputTokens: 5n, cachedInputTokens: 1n, costUsd: 0.01 }], total: { calls: 2n, inputTokens: 10n, outputTokens: 5n, cachedInputTokens: 1n, costUsd: 0.01 } })),
    ],
    ['Usage (nothing yet)', VIEW_SCHEMAS.Usage, usageView(create(QueryUsageReplySchema, { groupBy: 'day', from: at, to: at }))],
    ['SecretMetadata', component('SecretMetadata'), secretView(create(SecretMetadataSchema, { name: 'CRM_KEY', version: 2, createdAt: at, updatedAt: at, updatedBy: 'u', description: 'd', size: 12 }))],
    ['SecretList', VIEW_SCHEMAS.SecretList, { items: [secretView(create(SecretMetadataSchema, { name: 'K', version: 1, createdAt: at, updatedAt: at }))] }],
    ['AuditVerification', VIEW_SCHEMAS.AuditVerification, auditVerifyView(create(VerifyAuditReplySchema, { valid: false, checked: 10n, headSeq: 10n, problems: [{ seq: 4n, kind: 'hash_mismatch', message: 'm' }] }))],
    ['MemoryItem (episodic)', component('MemoryItem'), memoryItemView(create(MemoryItemSchema, { id: 'm1', tier: 'episodic', content: 'c', score: 0.5, subjectId: 's', agent: 'a', source: 'api', metadataJson: '{"k":1}', createdAt: at }))],
    ['MemoryItem (semantic, bare)', component('MemoryItem'), memoryItemView(create(MemoryItemSchema, { id: 'm2', tier: 'semantic', content: 'c', score: 0.9, entities: ['Alice'], neighbours: ['Acme'] }))],
    ['MemoryStored', VIEW_SCHEMAS.MemoryStored, { id: 'm1', entities: ['Alice'] }],
    ['MemorySearch', VIEW_SCHEMAS.MemorySearch, { items: [memoryItemView(create(MemoryItemSchema, { id: 'm1', tier: 'working', content: '{}', score: 1 }))] }],
    ['MemoryGraph', VIEW_SCHEMAS.MemoryGraph, memoryGraphView(create(MemoryGraphReplySchema, { entity: { name: 'Alice', kind: 'person', mentions: 2n }, nodes: [{ name: 'Acme', kind: 'organization', mentions: 1n }], edges: [{ from: 'Alice', to: 'Acme', relation: 'MENTIONED_WITH', weight: 1n }] }))],
    ['MemoryGraph (unknown entity)', VIEW_SCHEMAS.MemoryGraph, memoryGraphView(create(MemoryGraphReplySchema, {}))],
    ['SubjectForgotten', VIEW_SCHEMAS.SubjectForgotten, { subjectId: 's', workingDeleted: 1, episodicDeleted: 2, semanticDeleted: 3, verified: true }],
    ['WorkingMemory', VIEW_SCHEMAS.WorkingMemory, workingMemoryView({ agent: 'a', scope: 'thread', scopeId: 't1' }, create(WorkingMemoryReplySchema, { documentJson: '{"x":1}', version: 2n, messages: ['hi'], ttlSeconds: -1n }))],
    ['WorkingMemory (nothing stored)', VIEW_SCHEMAS.WorkingMemory, workingMemoryView({ agent: 'a', scope: 'run', scopeId: 'r1' }, create(WorkingMemoryReplySchema, {}))],
  ])('%s: the view matches its documented schema', (_, schema, value) => {
    expect(check(schema, value)).toEqual({ valid: true, errors: null });
  });

  it('can fail: a view missing a field or with a wrong type is refused', () => {
    const run = runView(create(RunSchema, { runId: 'r1', agent: 'a', version: 1, status: 'queued', createdAt: at })) as Record<string, unknown>;
    expect(check(component('Run'), { ...run, attempts: 'one' }).valid).toBe(false);
    const { traceId: _traceId, ...withoutTrace } = run;
    expect(check(component('Run'), withoutTrace).valid).toBe(false);
  });
});
