import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { BlueprintVersionedSchema, Headers, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { DataSource } from 'typeorm';
import { blueprintYaml } from '../test/blueprint.builder.js';
import { admin, developer, startWithValidation } from '../test/harness.js';
import { BlueprintOutboxRelay } from './blueprint-outbox.relay.js';

describe('blueprints against real PostgreSQL, NATS and the real validation service', () => {
  let env: Awaited<ReturnType<typeof startWithValidation>>;
  let blueprints: Awaited<ReturnType<typeof startWithValidation>>['blueprints'];
  let client: Awaited<ReturnType<typeof startWithValidation>>['client'];
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    env = await startWithValidation();
    ({ blueprints, client } = env);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  const create = (source: string, format = 'yaml', caller = developer, tenantId: string = tenant) =>
    client.bus.request('af.v1.blueprints.create', { source, format, caller }, { tenantId });
  const update = (name: string, source: string, opts: { format?: string; expectedVersion?: number; caller?: typeof developer } = {}) =>
    client.bus.request('af.v1.blueprints.update', { name, source, format: opts.format ?? 'yaml', caller: opts.caller ?? developer, expectedVersion: opts.expectedVersion ?? 0 }, { tenantId: tenant });
  const get = (name: string, version = 0, tenantId: string = tenant) => client.bus.request('af.v1.blueprints.get', { name, version }, { tenantId });
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  it('creates version 1: normalized, hashed, validated as the caller, and announced on JetStream', async () => {
    const reply = await create(blueprintYaml('lead-qualifier'));
    expect(reply.created).toBe(true);
    const bp = reply.blueprint!;
    expect(bp).toMatchObject({ name: 'lead-qualifier', version: 1, author: 'dev@acme.example' });
    expect(bp.contentHash).toBe(`sha256:${createHash('sha256').update(bp.documentJson).digest('hex')}`);
    const document = JSON.parse(bp.documentJson) as { spec: Record<string, unknown> };
    expect(document.spec['industryProfile']).toBe('RealEstate');
    expect(document.spec['governance']).toEqual({ autonomyLevel: 'supervised' });
    expect(bp.validation?.valid).toBe(true);
    // crm.update without approval: a warning, which does not block.
    expect(bp.validation?.warnings.map((w) => w.code)).toEqual(['SENSITIVE_TOOL_WITHOUT_APPROVAL']);
    expect(new Date(bp.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const ns = processNamespace();
    const stored = await client.jsm.streams.getMessage(ns.streamName('AF_EVENTS'), { last_by_subj: ns.subject('af.v1.blueprints.event.versioned') });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(`blueprint-versioned:${tenant}:lead-qualifier:1`);
    expect(stored?.header.get(Headers.tenantId)).toBe(tenant);
    expect(fromBinary(BlueprintVersionedSchema, stored!.data)).toMatchObject({ name: 'lead-qualifier', version: 1, contentHash: bp.contentHash, author: 'dev@acme.example' });
  });

  it('refuses to create an existing name (409), but another tenant may use it', async () => {
    await create(blueprintYaml('dup-name'));
    expect(await rejection(create(blueprintYaml('dup-name')))).toMatchObject({ code: ErrorCode.Conflict, path: '/metadata/name' });
    expect((await create(blueprintYaml('dup-name'), 'yaml', developer, other)).blueprint?.version).toBe(1);
  });

  it('keeps identical content as the same version, whatever the format or key order', async () => {
    const first = await create(blueprintYaml('same-content'));
    const asJson = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(first.blueprint!.documentJson) as object).reverse()), null, 2);
    const again = await update('same-content', asJson, { format: 'json' });
    expect(again).toMatchObject({ created: false, blueprint: { version: 1, contentHash: first.blueprint!.contentHash } });
  });

  it('appends versions, honours expected_version, and checks the name', async () => {
    await create(blueprintYaml('versioned'));
    const v2 = await update('versioned', blueprintYaml('versioned', { goal: 'second' }), { expectedVersion: 1 });
    expect(v2).toMatchObject({ created: true, blueprint: { version: 2 } });
    expect(await rejection(update('versioned', blueprintYaml('versioned', { goal: 'third' }), { expectedVersion: 1 }))).toMatchObject({
      code: ErrorCode.Conflict,
      path: '/expected_version',
    });
    expect((await update('versioned', blueprintYaml('versioned', { goal: 'third' }), { expectedVersion: 2 })).blueprint?.version).toBe(3);
    expect(await rejection(update('versioned', blueprintYaml('other-name')))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/metadata/name' });
    expect(await rejection(update('nobody-here', blueprintYaml('nobody-here')))).toMatchObject({ code: ErrorCode.NotFound, path: '/name' });

    expect((await get('versioned')).blueprint?.version).toBe(3);
    expect(JSON.parse((await get('versioned', 2)).blueprint!.documentJson).spec.goal).toBe('second');
    expect(await rejection(get('versioned', 9))).toMatchObject({ code: ErrorCode.NotFound, path: '/version' });
    expect(await rejection(get('versioned', 0, other))).toMatchObject({ code: ErrorCode.NotFound, path: '/name' });
  });

  it('serializes concurrent updates: no duplicate or missing version numbers', async () => {
    await create(blueprintYaml('contended'));
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => update('contended', blueprintYaml('contended', { goal: `goal ${i}` }))));
    expect(replies.map((r) => r.blueprint!.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await get('contended')).blueprint?.version).toBe(9);
  });

  it('lets exactly one of two concurrent If-Match updates win', async () => {
    await create(blueprintYaml('if-match'));
    const results = await Promise.allSettled([1, 2].map((i) => update('if-match', blueprintYaml('if-match', { goal: `racer ${i}` }), { expectedVersion: 1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: ErrorCode.Conflict });
  });

  it('answers 422 VALIDATION_FAILED with the whole report when the blueprint is invalid', async () => {
    const source = blueprintYaml('broken').replace('scope: internal', 'scope: global').replace('{{company}}', '{{compnay}}');
    const error = await rejection(create(source));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.message).toBe('blueprint is invalid');
    const details = error.details as { valid: boolean; errors: { tier: string; code: string; path: string }[]; suggestions: { path: string; replacementJson: string }[] };
    expect(details.valid).toBe(false);
    expect(details.errors.map((e) => [e.tier, e.code, e.path])).toEqual([
      ['schema', 'SCHEMA_ENUM', '/spec/tools/0/scope'],
      ['semantic', 'UNDEFINED_VARIABLE', '/spec/prompt/system'],
    ]);
    expect(details.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/prompt/system', replacementJson: '"company"' }));
    expect(await rejection(get('broken'))).toMatchObject({ code: ErrorCode.NotFound });
  });

  it('applies the caller’s policy: realWorld needs an Administrator', async () => {
    const source = blueprintYaml('pays', { maxAllowedScope: 'realWorld', extraTool: '    - name: charge\n      scope: realWorld\n      builtin: payment.process\n' });
    const denied = await rejection(create(source));
    expect(denied.code).toBe(ErrorCode.ValidationFailed);
    expect((denied.details as { errors: { code: string }[] }).errors.map((e) => e.code)).toEqual(['REAL_WORLD_REQUIRES_ADMINISTRATOR']);
    expect((await create(source, 'yaml', admin)).blueprint).toMatchObject({ version: 1, author: 'admin@acme.example' });
  });

  it('rejects unsafe or malformed sources with INVALID_DOCUMENT and a path', async () => {
    expect(await rejection(create('metadata:\n  name: a\n  name: b\n'))).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/metadata/name' });
    expect(await rejection(create('{"metadata": {"__proto__": {"x": 1}}}', 'json'))).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/metadata/__proto__' });
    expect(await rejection(create('[1, 2]', 'json'))).toMatchObject({ code: ErrorCode.InvalidDocument, message: 'the blueprint must be a mapping (object) at the top level, got a list' });
    expect(await rejection(create('a: 1', 'xml'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/format' });
  });

  it('republishes versions whose event did not reach JetStream (outbox relay)', async () => {
    const created = await create(blueprintYaml('outboxed'));
    const ds = new DataSource({ type: 'postgres', url: blueprints.databaseUrl });
    await ds.initialize();
    try {
      const table = `"${blueprints.schema}".blueprint_versions`;
      await ds.query(`UPDATE ${table} SET published_at = NULL, created_at = now() - interval '1 hour' WHERE tenant_id = $1 AND name = 'outboxed'`, [tenant]);
      const relayed = await blueprints.service.app.get(BlueprintOutboxRelay).relay();
      expect(relayed).toBeGreaterThanOrEqual(1);
      const rows: { published_at: Date | null }[] = await ds.query(`SELECT published_at FROM ${table} WHERE tenant_id = $1 AND name = 'outboxed'`, [tenant]);
      expect(rows[0]?.published_at).not.toBeNull();
    } finally {
      await ds.destroy();
    }
    expect(created.blueprint?.version).toBe(1);
  });
});
