import { describe, expect, it, jest } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { BlueprintVersionReplySchema, CreateDeploymentRequestSchema, DeploymentThresholdsSchema, ValidateBlueprintReplySchema, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import type { AuditTrail, MessageBus } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import type { ActiveDeploymentRepository } from './active-deployment.repository.js';
import type { DeploymentRepository } from './deployment.repository.js';
import { DeploymentApprovals } from './deployment-approvals.js';
import { DeploymentService } from './deployment.service.js';
import { DeploymentSwitchboard } from './deployment-switchboard.js';

const tenant = parseTenantId('acme');

function setup(opts: { valid?: boolean; archivedAt?: string; blueprintError?: AppError } = {}) {
  const request = jest.fn(async (subject: string) => {
    if (subject === 'af.v1.blueprints.get') {
      if (opts.blueprintError) throw opts.blueprintError;
      return create(BlueprintVersionReplySchema, {
        blueprint: { name: 'lead-qualifier', version: 2, contentHash: 'sha256:c2', documentJson: '{}', validation: { valid: true }, archivedAt: opts.archivedAt ?? '' },
      });
    }
    if (subject === 'af.v1.validation.validate') return create(ValidateBlueprintReplySchema, { report: { valid: opts.valid ?? true }, cached: true });
    // Not a realWorld agent (the approval path is covered against the real governance service in deployment-approval.int-spec).
    if (subject === 'af.v1.compilation.artifact.get') return { artifactJson: JSON.stringify({ tools: [{ scope: 'internal' }], policy: { maxAllowedScope: null } }) };
    return { artifactHash: 'sha256:a2' };
  });
  const publish = jest.fn(async (_subject: string, _payload: unknown, _opts: unknown) => ({ seq: 1, duplicate: false }));
  // Every case here is refused before anything is recorded (the lifecycle itself runs against PostgreSQL and NATS in the int-specs).
  const deployments = {} as DeploymentRepository;
  const registry = {} as ActiveDeploymentRepository;
  const bus = { request, publish } as unknown as MessageBus;
  const audit = { record: jest.fn(async () => undefined) } as unknown as AuditTrail;
  const logger = createLogger('deployment', 'error');
  const switchboard = new DeploymentSwitchboard(deployments, registry, bus, new MetricsRegistry('deployment'), logger);
  const options = { warmTimeoutMs: 1_000, evalTimeoutMs: 1_000, watchIntervalMs: 1_000, stuckAfterMs: 0, windowSeconds: 300, maxFailurePercent: 50, maxP95Ms: 0, minRuns: 5 };
  const sut = new DeploymentService(deployments, switchboard, bus, new DeploymentApprovals(bus, audit), audit, options, logger);
  return { sut, request, publish };
}

describe(DeploymentService.name, () => {
  const request = create(CreateDeploymentRequestSchema, { agent: 'lead-qualifier', version: 0, caller: { subject: 'user:alice' } });

  it('re-validates for the deploying caller and refuses an invalid blueprint before compiling it', async () => {
    const { sut, request: upstream } = setup({ valid: false });
    await expect(sut.create(tenant, request)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, details: { valid: false } });
    expect(upstream.mock.calls.map((c) => c[0])).toEqual(['af.v1.blueprints.get', 'af.v1.validation.validate']);
    expect((upstream.mock.calls[1] as unknown[])[1]).toMatchObject({ documentJson: '{}', caller: { subject: 'user:alice' } });
  });

  it('refuses bad lifecycle settings, and force without ApproveRealWorld, before calling anything', async () => {
    const { sut, request: upstream } = setup();
    await expect(sut.create(tenant, { ...request, strategy: 'blue-green' })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/strategy' });
    await expect(sut.create(tenant, { ...request, canaryPercent: 100 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/canaryPercent' });
    await expect(sut.create(tenant, { ...request, windowSeconds: 86_401 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, path: '/windowSeconds' });
    await expect(sut.create(tenant, { ...request, thresholds: create(DeploymentThresholdsSchema, { maxFailureRate: 1.5 }) })).rejects.toMatchObject({ path: '/thresholds/maxFailureRate' });
    await expect(sut.create(tenant, { ...request, force: true, caller: { $typeName: 'af.v1.Caller', subject: 'user:pm', roles: ['ProductManager'], permissions: [] } })).rejects.toMatchObject({ code: ErrorCode.PermissionDenied, path: '/force' });
    expect(upstream).not.toHaveBeenCalled();
  });

  it('refuses an archived blueprint with CONFLICT', async () => {
    const { sut, request: upstream } = setup({ archivedAt: '2026-01-01T00:00:00.000Z' });
    await expect(sut.create(tenant, request)).rejects.toMatchObject({ code: ErrorCode.Conflict, path: '/agent' });
    expect(upstream).toHaveBeenCalledTimes(1);
  });

  it('points an unknown blueprint at /agent, and passes other upstream errors through', async () => {
    await expect(setup({ blueprintError: AppError.notFound('blueprint x', '/name') }).sut.create(tenant, request)).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/agent' });
    await expect(setup({ blueprintError: AppError.notFound('version 9', '/version') }).sut.create(tenant, { ...request, version: 9 })).rejects.toMatchObject({ path: '/version' });
    await expect(setup({ blueprintError: new AppError(ErrorCode.Timeout, 'slow') }).sut.create(tenant, request)).rejects.toMatchObject({ code: ErrorCode.Timeout });
  });
});
