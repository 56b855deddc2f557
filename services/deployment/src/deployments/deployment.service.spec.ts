import { describe, expect, it, jest } from '@jest/globals';
import { create } from '@bufbuild/protobuf';
import { BlueprintVersionReplySchema, CreateDeploymentRequestSchema, ValidateBlueprintReplySchema, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import type { AuditTrail, MessageBus } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import type { DeploymentEntity } from '../persistence/deployment.entity.js';
import type { ActiveDeploymentRepository } from './active-deployment.repository.js';
import type { DeploymentRepository } from './deployment.repository.js';
import { DeploymentApprovals } from './deployment-approvals.js';
import { DeploymentService } from './deployment.service.js';

const tenant = parseTenantId('acme');

function active(overrides: Partial<DeploymentEntity> = {}): DeploymentEntity {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    tenantId: tenant,
    agent: 'lead-qualifier',
    version: 2,
    contentHash: 'sha256:c2',
    artifactHash: 'sha256:a2',
    status: 'active',
    createdBy: 'user:bob',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    supersededAt: null,
    supersededBy: null,
    deactivatedAt: null,
    deactivatedReason: null,
    approvedEscalationId: null,
    ...overrides,
  };
}

function setup(opts: { valid?: boolean; archivedAt?: string; current?: DeploymentEntity | null; blueprintError?: AppError; artifactHash?: string } = {}) {
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
    return { artifactHash: opts.artifactHash ?? 'sha256:a2' };
  });
  const publish = jest.fn(async (_subject: string, _payload: unknown, _opts: unknown) => ({ seq: 1, duplicate: false }));
  // A stand-in for the one-transaction decision of DeploymentRepository.activateOnce (covered against PostgreSQL in the int test).
  let latest: DeploymentEntity | null = opts.current ?? null;
  const activate = jest.fn(async (_t: string, d: { id: string; version: number; artifactHash: string }) => {
    if (latest && latest.version === d.version && latest.artifactHash === d.artifactHash) return { deployment: latest, created: false, superseded: null };
    const superseded = latest?.id ?? null;
    latest = active({ id: d.id, artifactHash: d.artifactHash });
    return { deployment: latest, created: true, superseded };
  });
  const deployments = {
    findActive: jest.fn(async () => latest),
    activateOnce: activate,
  } as unknown as DeploymentRepository;
  const put = jest.fn(async (_tenant: string, _active: unknown, _revision: number) => true);
  const registry = { entry: async () => ({ revision: 0, active: null }), replace: put } as unknown as ActiveDeploymentRepository;
  const bus = { request, publish } as unknown as MessageBus;
  const audit = { record: jest.fn(async () => undefined) } as unknown as AuditTrail;
  const sut = new DeploymentService(deployments, registry, bus, new DeploymentApprovals(bus, audit), audit, new MetricsRegistry('deployment'), createLogger('deployment', 'error'));
  return { sut, request, publish, activate, put };
}

describe(DeploymentService.name, () => {
  const request = create(CreateDeploymentRequestSchema, { agent: 'lead-qualifier', version: 0, caller: { subject: 'user:alice' } });

  it('activates a new deployment, registers it and announces it', async () => {
    const { sut, activate, put, publish } = setup({ current: active({ version: 1, artifactHash: 'sha256:a1' }) });
    const reply = await sut.create(tenant, request);
    expect(reply.created).toBe(true);
    expect(activate).toHaveBeenCalledWith(tenant, expect.objectContaining({ agent: 'lead-qualifier', version: 2, artifactHash: 'sha256:a2', contentHash: 'sha256:c2', createdBy: 'user:alice' }));
    expect(put).toHaveBeenCalledWith(tenant, expect.objectContaining({ agent: 'lead-qualifier', version: 2, artifactHash: 'sha256:a2' }), 0);
    const id = reply.deployment?.deploymentId;
    expect(publish).toHaveBeenCalledWith('af.v1.deployments.event.activated', expect.anything(), { msgId: `deployment-activated:${id}`, tenantId: tenant });
  });

  it('re-deploying the active version and artifact succeeds without a new record', async () => {
    const current = active();
    const { sut, activate, put } = setup({ current });
    const reply = await sut.create(tenant, request);
    expect(reply).toMatchObject({ created: false, deployment: { deploymentId: current.id, status: 'active' } });
    await expect(activate.mock.results[0]?.value).resolves.toMatchObject({ created: false });
    expect(put).toHaveBeenCalledWith(tenant, expect.objectContaining({ deploymentId: current.id }), 0);
  });

  it('writes the registry by compare-and-set: a lost race reads the entry and the database again', async () => {
    const { sut, put } = setup();
    put.mockResolvedValueOnce(false);
    const reply = await sut.create(tenant, request);
    expect(put).toHaveBeenCalledTimes(2);
    expect(put).toHaveBeenLastCalledWith(tenant, expect.objectContaining({ deploymentId: reply.deployment?.deploymentId }), 0);
  });

  it('a new artifact of the same version (new compiler) is a new deployment', async () => {
    const { sut, activate } = setup({ current: active(), artifactHash: 'sha256:a2-recompiled' });
    expect((await sut.create(tenant, request)).created).toBe(true);
    expect(activate).toHaveBeenCalled();
  });

  it('re-validates for the deploying caller and refuses an invalid blueprint before compiling it', async () => {
    const { sut, request: upstream } = setup({ valid: false });
    await expect(sut.create(tenant, request)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, details: { valid: false } });
    expect(upstream.mock.calls.map((c) => c[0])).toEqual(['af.v1.blueprints.get', 'af.v1.validation.validate']);
    expect((upstream.mock.calls[1] as unknown[])[1]).toMatchObject({ documentJson: '{}', caller: { subject: 'user:alice' } });
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
