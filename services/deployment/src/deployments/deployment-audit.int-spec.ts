import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { AuditEventSchema, Headers, parseTenantId } from '@af/contracts';
import { processNamespace } from '@af/messaging';
import { testTenant, until } from '@af/testing';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream, blueprint } from '../test/upstream-responders.js';

/** Deployments on the audit trail: created (by the deploying caller) and deactivated (when the blueprint is archived). */
describe('deployment audit records (real NATS and PostgreSQL, stand-in upstream services)', () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  const tenant = parseTenantId(testTenant());
  const caller = { subject: 'user:alice', roles: ['Developer'], permissions: [] };

  beforeAll(async () => {
    deployment = await startDeployment();
    client = await connectClient();
    upstream = answerUpstream(client.nc, new Set([tenant]), () => [blueprint('audited-agent', 1)]);
    await client.nc.flush();
  }, 60_000);

  afterAll(async () => {
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
  });

  /** The tenant's audit events on this run's AF_AUDIT stream. */
  const auditOf = async () => {
    const stream = processNamespace().streamName('AF_AUDIT');
    const jsm = await jetstreamManager(client.nc);
    const { state } = await jsm.streams.info(stream);
    const events = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m && m.header.get(Headers.tenantId) === tenant) events.push(fromBinary(AuditEventSchema, m.data));
    }
    return events;
  };

  it('records deployment.created once, and deployment.deactivated when the blueprint is archived', async () => {
    const reply = await client.bus.request('af.v1.deployments.create', { agent: 'audited-agent', version: 0, caller }, { tenantId: tenant });
    const id = reply.deployment!.deploymentId;
    // Deploying the same version again changes nothing and records nothing new.
    await client.bus.request('af.v1.deployments.create', { agent: 'audited-agent', version: 0, caller }, { tenantId: tenant });

    const changedAt = new Date().toISOString();
    await client.bus.publish(
      'af.v1.blueprints.event.archived',
      { name: 'audited-agent', archived: true, latestVersion: 1, changedAt, changedBy: 'user:bob', eventId: 'e-archive' },
      { msgId: `blueprint-archive-changed:${tenant}:e-archive`, tenantId: tenant },
    );
    const events = await until(auditOf, (e) => e.some((x) => x.action === 'deployment.deactivated'));
    expect(events.map((e) => ({ eventId: e.eventId, action: e.action, actor: e.actor, resourceType: e.resourceType, resourceId: e.resourceId, service: e.service }))).toEqual([
      { eventId: `deployment.created:${id}`, action: 'deployment.created', actor: 'user:alice', resourceType: 'deployment', resourceId: id, service: 'deployment' },
      { eventId: `deployment.deactivated:${id}`, action: 'deployment.deactivated', actor: 'user:bob', resourceType: 'deployment', resourceId: id, service: 'deployment' },
    ]);
    expect(JSON.parse(events[0]!.detailsJson)).toMatchObject({ agent: 'audited-agent', version: 1, artifactHash: reply.deployment!.artifactHash });
    expect(JSON.parse(events[1]!.detailsJson)).toEqual({ agent: 'audited-agent', reason: `blueprint archived at ${changedAt} by user:bob` });
    expect(events[1]!.atMs).toBe(BigInt(Date.parse(changedAt)));
  });
});
