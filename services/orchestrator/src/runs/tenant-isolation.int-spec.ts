import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { parseTenantId } from '@af/contracts';
import { openDataSource, withSystemScope, withTenant } from '@af/persistence';
import { dropSchema, testTenant, uniqueName } from '@af/testing';
import type { DataSource } from 'typeorm';
import { orchestratorDataSource } from '../persistence/data-source.js';
import { DispatchRepository } from '../dispatch/dispatch.repository.js';
import { JournalRepository } from '../journal/journal.repository.js';
import { RunRepository } from './run.repository.js';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('orchestrator: row-level security on runs and their tables, as the service role (real PostgreSQL)', () => {
  const schema = uniqueName('orchestrator_test');
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  let asService: DataSource;
  let runs: RunRepository;
  const runIds = new Map<string, string>();

  beforeAll(async () => {
    // Migrated as the owner, connected as the service role: exactly what the service boots with.
    asService = await openDataSource(orchestratorDataSource(url, schema, 2));
    runs = new RunRepository(asService);
    const journal = new JournalRepository(asService);
    for (const tenantId of [tenant, other]) {
      const id = randomUUID();
      runIds.set(tenantId, id);
      const run = { id, agent: 'lead-qualifier', version: 1, artifactHash: `sha256:${'a'.repeat(64)}`, input: {}, traceId: 't', correlationId: 'c' };
      expect((await runs.create(tenantId, run, { key: `k-${id}`, requestHash: 'h' })).kind).toBe('created');
      await journal.begin(tenantId, id, { seq: 1, kind: 'tool', name: 'score_lead', requestHash: 'r', attempt: 1, workerId: 'w-1' }, []);
    }
  });

  afterAll(async () => {
    await asService?.destroy();
    await dropSchema(url, schema);
  });

  it.each(['runs', 'run_transitions', 'run_idempotency_keys', 'run_steps'])("%s: a raw query without a tenant filter, in a tenant transaction, returns only that tenant's rows; outside a scope none", async (table) => {
    expect(await withTenant(asService, tenant, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: tenant }]);
    expect(await withTenant(asService, other, (m) => m.query(`SELECT DISTINCT tenant_id FROM ${table}`))).toEqual([{ tenant_id: other }]);
    expect(await asService.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(await withSystemScope(asService, 'test: every tenant', (m) => m.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM ${table}`))).toEqual([{ n: 2 }]);
  });

  it("repositories do not reach another tenant's run; the dispatcher's round (system scope) sees every tenant", async () => {
    expect(await runs.find(tenant, runIds.get(other)!)).toBeNull();
    expect((await runs.transition(tenant, runIds.get(other)!, 'cancelled', { at: new Date(), reason: 'not mine' })).moved).toBe(false);
    expect((await runs.find(other, runIds.get(other)!))?.status).toBe('queued');
    expect(new Set(await new DispatchRepository(asService).tenantsWaiting())).toEqual(new Set([tenant, other]));
    await expect(withTenant(asService, tenant, (m) => m.query(`INSERT INTO dead_letters (id, tenant_id, stream, consumer, subject, deliveries, source, code, reason) VALUES ($1, $2, 'AF_RUNS', 'c', 's', 1, 'terminated', 'INTERNAL', 'r')`, [randomUUID(), other]))).rejects.toThrow(/row-level security/);
  });
});
