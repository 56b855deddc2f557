import { describe, expect, it } from '@jest/globals';
import { isPermission, ROLE_PERMISSIONS } from '@af/contracts';
import { declaredRoutes } from '../test/routes.js';

describe('route permissions', () => {
  const routes = declaredRoutes();

  it('finds the routes of every controller, including those of imported modules', () => {
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /health/live', 'GET /metrics', 'POST /v1/api-keys', 'POST /v1/agents/:name/runs']));
  });

  it('every route is @Public() or declares a known permission, in Nest and in the Fastify route config alike', () => {
    const offending = routes.filter((r) => !r.public && (!isPermission(r.permission) || r.fastifyPermission !== r.permission));
    expect(offending).toEqual([]);
  });

  it('only health, metrics, the API description (OpenAPI document, Swagger UI) and inbound webhooks (signed) are public', () => {
    expect(routes.filter((r) => r.public).map((r) => r.route)).toEqual([
      'GET /docs',
      'GET /docs/:asset',
      'GET /health/live',
      'GET /health/ready',
      'GET /health/startup',
      'GET /metrics',
      'GET /openapi.json',
      'POST /v1/hooks/:tenant/:agent/:triggerId',
    ]);
  });

  it('a Viewer can read and cannot write: no route a Viewer may call changes anything', () => {
    const viewer = new Set<string>(ROLE_PERMISSIONS.Viewer);
    const writes = routes.filter((r) => !r.public && viewer.has(r.permission!) && !r.route.startsWith('GET '));
    // POST /v1/validate asks a question (validates the posted text) and stores nothing.
    expect(writes.map((r) => r.route)).toEqual(['POST /v1/validate']);
  });

  it.each([
    ['POST /v1/blueprints', 'CreateAgent'],
    ['PUT /v1/blueprints/:name', 'CreateAgent'],
    ['GET /v1/blueprints', 'ViewAgents'],
    ['GET /v1/blueprints/:name/diff', 'ViewAgents'],
    ['DELETE /v1/blueprints/:name', 'ArchiveAgent'],
    ['POST /v1/blueprints/:name/validate', 'CreateAgent'],
    ['POST /v1/blueprints/:name/test', 'CreateAgent'],
    ['POST /v1/blueprints/:name/compile', 'ViewCode'],
    ['GET /v1/artifacts/:hash', 'ViewCode'],
    ['POST /v1/agents/:name/deployments', 'DeployAgent'],
    ['GET /v1/agents/:name/deployments/active', 'ViewAgents'],
    ['POST /v1/agents/:name/runs', 'RunAgent'],
    ['GET /v1/runs/:runId/events', 'ViewRuns'],
    ['POST /v1/runs/:runId/cancel', 'OperateRuns'],
    ['GET /v1/dead-letters', 'ViewRuns'],
    ['POST /v1/dead-letters/:id/retry', 'OperateRuns'],
    ['GET /v1/mesh/health', 'ViewMesh'],
    ['POST /v1/validate', 'ViewAgents'],
    ['GET /v1/schemas/:name', 'ViewAgents'],
    ['POST /v1/api-keys', 'ManageKeys'],
    ['GET /v1/api-keys', 'ManageKeys'],
    ['DELETE /v1/api-keys/:id', 'ManageKeys'],
    ['GET /v1/usage', 'ManageBudgets'],
    ['GET /v1/budgets', 'ManageBudgets'],
    ['PUT /v1/budgets/tenant/:period', 'ManageBudgets'],
    ['PUT /v1/budgets/agents/:agent/:period', 'ManageBudgets'],
    ['DELETE /v1/budgets/tenant/:period', 'ManageBudgets'],
    ['DELETE /v1/budgets/agents/:agent/:period', 'ManageBudgets'],
    ['GET /v1/secrets', 'ManageSecrets'],
    ['GET /v1/secrets/:name', 'ManageSecrets'],
    ['PUT /v1/secrets/:name', 'ManageSecrets'],
    ['DELETE /v1/secrets/:name', 'ManageSecrets'],
    ['GET /v1/agents', 'ViewAgents'],
    ['GET /v1/agents/:name', 'ViewAgents'],
    ['GET /v1/agents/:name/deployments/:id', 'ViewAgents'],
    ['POST /v1/agents/:name/deployments/:id/promote', 'DeployAgent'],
    ['POST /v1/agents/:name/rollback', 'DeployAgent'],
    ['POST /v1/agents/:name/evals', 'DeployAgent'],
    ['GET /v1/agents/:name/health', 'ViewAgents'],
    ['GET /v1/agents/:name/triggers', 'ViewAgents'],
    ['GET /v1/health', 'ViewMesh'],
    ['POST /v1/webhooks', 'ManageWebhooks'],
    ['GET /v1/webhooks', 'ManageWebhooks'],
    ['GET /v1/webhooks/:id', 'ManageWebhooks'],
    ['DELETE /v1/webhooks/:id', 'ManageWebhooks'],
    ['GET /v1/webhooks/:id/deliveries', 'ManageWebhooks'],
    ['POST /v1/memory', 'ManageMemory'],
    ['GET /v1/memory/:id', 'ViewMemory'],
    ['GET /v1/memory/search', 'ViewMemory'],
    ['GET /v1/memory/graph', 'ViewMemory'],
    ['DELETE /v1/memory/subjects/:subjectId', 'ManageMemory'],
    ['GET /v1/memory/working/:agent/:scope/:scopeId', 'ViewMemory'],
    ['PUT /v1/memory/working/:agent/:scope/:scopeId', 'ManageMemory'],
  ])('%s needs %s', (route, permission) => {
    expect(routes.find((r) => r.route === route)?.permission).toBe(permission);
  });
});
