import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import pg from 'pg';
import { AuditEventSchema, Headers, parseTenantId, streams } from '@af/contracts';
import { ensureStream, processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { BlueprintOutboxRelay } from './blueprint-outbox.relay.js';
import { blueprintYaml } from '../test/blueprint.builder.js';
import { developer, startWithValidation } from '../test/harness.js';

/** Every blueprint change is audited through the outbox: created, updated, archived, restored. */
describe('blueprint changes on the audit trail (real PostgreSQL, NATS and validation)', () => {
  let env: Awaited<ReturnType<typeof startWithValidation>>;
  let client: Awaited<ReturnType<typeof startWithValidation>>['client'];

  beforeAll(async () => {
    env = await startWithValidation();
    ({ client } = env);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  const ns = () => processNamespace();
  /** The audit events of one tenant on AF_AUDIT (this test run's own stream), in order. */
  const auditOf = async (tenant: string) => {
    const stream = ns().streamName('AF_AUDIT');
    const { state } = await client.jsm.streams.info(stream);
    const events = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await client.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m && m.header.get(Headers.tenantId) === tenant) events.push(fromBinary(AuditEventSchema, m.data));
    }
    return events.map((e) => ({ eventId: e.eventId, action: e.action, actor: e.actor, resourceType: e.resourceType, resourceId: e.resourceId, outcome: e.outcome, details: JSON.parse(e.detailsJson) as unknown, service: e.service }));
  };
  const sql = async (text: string, params: unknown[]) => {
    const c = new pg.Client({ connectionString: env.blueprints.databaseUrl, options: `-c search_path=${env.blueprints.schema}` });
    await c.connect();
    try {
      return await c.query(text, params);
    } finally {
      await c.end();
    }
  };

  it('records blueprint.created, .updated (new version only), .archived and .restored with the caller, name, version and content hash', async () => {
    const tenant = parseTenantId(testTenant());
    const opts = { tenantId: tenant };
    const v1 = await client.bus.request('af.v1.blueprints.create', { source: blueprintYaml('audited'), format: 'yaml', caller: developer }, opts);
    const v2 = await client.bus.request('af.v1.blueprints.update', { name: 'audited', source: blueprintYaml('audited', { goal: 'Qualify leads, v2' }), format: 'yaml', caller: developer, expectedVersion: 0 }, opts);
    // Same content again: no new version, no record.
    await client.bus.request('af.v1.blueprints.update', { name: 'audited', source: blueprintYaml('audited', { goal: 'Qualify leads, v2' }), format: 'yaml', caller: developer, expectedVersion: 0 }, opts);
    await client.bus.request('af.v1.blueprints.archive', { name: 'audited', expectedVersion: 0, caller: developer }, opts);
    await client.bus.request('af.v1.blueprints.update', { name: 'audited', source: blueprintYaml('audited', { goal: 'Qualify leads, v3' }), format: 'yaml', caller: developer, expectedVersion: 0 }, opts);

    const events = await auditOf(tenant);
    const base = { actor: 'dev@acme.example', resourceType: 'blueprint', resourceId: 'audited', outcome: 'success', service: 'blueprints' };
    expect(events).toEqual([
      { ...base, eventId: 'blueprint.created:audited:1', action: 'blueprint.created', details: { version: 1, contentHash: v1.blueprint!.contentHash } },
      { ...base, eventId: 'blueprint.updated:audited:2', action: 'blueprint.updated', details: { version: 2, contentHash: v2.blueprint!.contentHash } },
      { ...base, eventId: expect.stringMatching(/^blueprint\.archived:/), action: 'blueprint.archived', details: { latestVersion: 2 } },
      { ...base, eventId: expect.stringMatching(/^blueprint\.restored:/), action: 'blueprint.restored', details: { latestVersion: 3 } },
      { ...base, eventId: 'blueprint.updated:audited:3', action: 'blueprint.updated', details: { version: 3, contentHash: expect.stringMatching(/^sha256:/) } },
    ]);
  });

  it('an audit record that cannot reach JetStream keeps the version in the outbox; the relay records it later, once', async () => {
    const tenant = parseTenantId(testTenant());
    const opts = { tenantId: tenant };
    await client.bus.request('af.v1.blueprints.create', { source: blueprintYaml('outboxed'), format: 'yaml', caller: developer }, opts);
    const stream = ns().stream(streams.AF_AUDIT);
    // AF_AUDIT away (this run's namespace only): the versioned event is published, the audit record is not.
    await client.jsm.streams.delete(stream.name);
    try {
      await client.bus.request('af.v1.blueprints.update', { name: 'outboxed', source: blueprintYaml('outboxed', { goal: 'v2' }), format: 'yaml', caller: developer, expectedVersion: 0 }, opts);
    } finally {
      await ensureStream(client.jsm, stream);
    }
    const pending = await sql(`SELECT published_at FROM blueprint_versions WHERE tenant_id = $1 AND name = 'outboxed' AND version = 2`, [tenant]);
    expect(pending.rows).toEqual([{ published_at: null }]);
    expect(await auditOf(tenant)).toEqual([]);

    // The relay picks rows older than its interval: make this one old, then run one pass (twice: the second is a no-op).
    await sql(`UPDATE blueprint_versions SET created_at = created_at - interval '1 hour' WHERE tenant_id = $1 AND name = 'outboxed' AND version = 2`, [tenant]);
    const relay = env.blueprints.service.app.get(BlueprintOutboxRelay);
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    await relay.relay();
    expect((await auditOf(tenant)).map((e) => e.eventId)).toEqual(['blueprint.updated:outboxed:2']);
    const published = await sql(`SELECT published_at IS NOT NULL AS published FROM blueprint_versions WHERE tenant_id = $1 AND name = 'outboxed' AND version = 2`, [tenant]);
    expect(published.rows).toEqual([{ published: true }]);
  });
});
