import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import { AuditEventSchema, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import type pg from 'pg';
import { SECRET_VALUE_MAX_BYTES } from '@af/blueprint-format';
import { connectClient, developer, keysEnv, newMasterKey, ownerConnection, startSecrets, type SecretsUnderTest } from '../test/harness.js';

describe('secrets through af.v1.secrets.* (real PostgreSQL and NATS)', () => {
  let secrets: SecretsUnderTest;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let db: pg.Client;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());

  beforeAll(async () => {
    secrets = await startSecrets(keysEnv({ k1: newMasterKey() }, 'k1'));
    client = await connectClient();
    db = await ownerConnection(secrets.databaseUrl, secrets.schema);
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await client?.close();
    await secrets?.stop();
  });

  const put = (name: string, value: string, description = '', tenantId: string = tenant) =>
    client.bus.request('af.v1.secrets.put', { name, value, description, caller: developer }, { tenantId });
  const get = (name: string, tenantId: string = tenant) => client.bus.request('af.v1.secrets.get', { name }, { tenantId });
  const del = (name: string, tenantId: string = tenant) => client.bus.request('af.v1.secrets.delete', { name, caller: developer }, { tenantId });
  const list = (tenantId: string = tenant) => client.bus.request('af.v1.secrets.list', {}, { tenantId });
  const resolve = (names: string[], tenantId: string = tenant) => client.bus.request('af.v1.secrets.resolve', { names, runId: 'run-1', stepId: 'run-1/3' }, { tenantId });
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };
  const auditRecords = async () => {
    const ns = processNamespace();
    const stream = ns.streamName('AF_AUDIT');
    const info = await client.jsm.streams.info(stream);
    const events = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await client.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (msg) events.push(fromBinary(AuditEventSchema, msg.data));
    }
    return events;
  };

  it('round trip: put answers metadata only, resolve answers the value; the stored row holds no plaintext byte sequence', async () => {
    const value = `sk-live-${'Zq9'.repeat(20)}`;
    const reply = await put('openai.api_key', value, 'the production OpenAI key');
    expect(reply.secret).toMatchObject({ name: 'openai.api_key', version: 1, size: Buffer.byteLength(value), description: 'the production OpenAI key', updatedBy: developer.subject });
    expect(JSON.stringify(reply)).not.toContain(value);

    const resolved = await resolve(['openai.api_key']);
    expect(resolved.items).toEqual([expect.objectContaining({ name: 'openai.api_key', version: 1, value })]);

    const { rows } = await db.query(`SELECT ciphertext, iv, auth_tag, size FROM secrets WHERE tenant_id = $1 AND name = $2`, [tenant, 'openai.api_key']);
    const row = rows[0] as { ciphertext: Buffer; iv: Buffer; auth_tag: Buffer; size: number };
    expect(row.size).toBe(Buffer.byteLength(value));
    expect(row.iv).toHaveLength(12);
    expect(row.auth_tag).toHaveLength(16);
    expect(row.ciphertext.indexOf(Buffer.from(value))).toBe(-1);
    expect(row.ciphertext.indexOf(Buffer.from('sk-live-'))).toBe(-1);
    const { rows: keys } = await db.query(`SELECT master_key_id, octet_length(wrapped_dek) AS n FROM tenant_keys WHERE tenant_id = $1`, [tenant]);
    expect(keys).toEqual([{ master_key_id: 'k1', n: 12 + 16 + 32 }]);

    const audit = (await auditRecords()).filter((e) => e.action === 'secret.set' && e.resourceId === 'openai.api_key');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: developer.subject, resourceType: 'secret', outcome: 'success' });
    expect(JSON.parse(audit[0]!.detailsJson)).toMatchObject({ name: 'openai.api_key', version: 1 });
    expect(audit[0]!.detailsJson).not.toContain(value);
  });

  it('rotation: a second put is version 2 in one transaction, and resolve answers the new value; get and list carry metadata only', async () => {
    await put('crm.token', 'first-value-1');
    const rotated = await put('crm.token', 'second-value-2', 'rotated');
    expect(rotated.secret).toMatchObject({ name: 'crm.token', version: 2, size: 14, description: 'rotated' });
    expect((await resolve(['crm.token'])).items).toEqual([expect.objectContaining({ name: 'crm.token', version: 2, value: 'second-value-2' })]);
    expect((await get('crm.token')).secret).toMatchObject({ name: 'crm.token', version: 2 });
    const listed = await list();
    expect(listed.items.map((s) => s.name)).toEqual(expect.arrayContaining(['crm.token', 'openai.api_key']));
    expect(JSON.stringify(listed)).not.toMatch(/second-value-2|sk-live-/);
  });

  it('concurrent puts of one name serialize: distinct versions 1..n, and resolve answers the newest', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => put('race.key', `value-${i}`)));
    const versions = replies.map((r) => r.secret!.version).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const newest = replies.find((r) => r.secret!.version === 8)!;
    const resolved = (await resolve(['race.key'])).items[0]!;
    expect(resolved.version).toBe(8);
    expect(resolved.value).toBe(`value-${replies.indexOf(newest)}`);
  });

  it('resolve answers several secrets at once and names every missing one (NOT_FOUND, in message and details)', async () => {
    await put('a.one', 'v-one');
    await put('a.two', 'v-two');
    const both = await resolve(['a.two', 'a.one']);
    expect(both.items.map((i) => [i.name, i.value])).toEqual([['a.two', 'v-two'], ['a.one', 'v-one']]);
    const error = await rejection(resolve(['a.one', 'nope.first', 'nope.second']));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.message).toContain('"nope.first"');
    expect(error.message).toContain('"nope.second"');
    expect(error.message).not.toContain('v-one');
    expect(error.details).toEqual({ missing: ['nope.first', 'nope.second'] });
    expect(error.path).toBe('/names/1');
  });

  it('delete answers the deleted metadata; then get, delete and resolve are NOT_FOUND', async () => {
    await put('temp.key', 'to-be-removed');
    const deleted = await del('temp.key');
    expect(deleted.secret).toMatchObject({ name: 'temp.key', version: 1 });
    expect((await rejection(get('temp.key'))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(del('temp.key'))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(resolve(['temp.key']))).code).toBe(ErrorCode.NotFound);
    const audit = (await auditRecords()).filter((e) => e.action === 'secret.deleted' && e.resourceId === 'temp.key');
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detailsJson)).toEqual({ name: 'temp.key', version: 1 });
  });

  it('a tampered ciphertext byte: resolve fails with a clear integrity error, never the garbage value', async () => {
    await put('tamper.me', 'untouched-value');
    const { rows } = await db.query(`SELECT ciphertext FROM secrets WHERE tenant_id = $1 AND name = $2`, [tenant, 'tamper.me']);
    const ciphertext = Buffer.from((rows[0] as { ciphertext: Buffer }).ciphertext);
    ciphertext[2] = ciphertext[2]! ^ 0x01;
    await db.query(`UPDATE secrets SET ciphertext = $3 WHERE tenant_id = $1 AND name = $2`, [tenant, 'tamper.me', ciphertext]);
    const error = await rejection(resolve(['tamper.me']));
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toMatch(/secret "tamper\.me" \(version 1\) failed its integrity check/);
    expect(error.message).not.toContain('untouched');
  });

  it("a ciphertext moved to another row (another name, or another version) does not decrypt there: the associated data binds tenant, name and version", async () => {
    await put('move.source', 'source-value');
    await put('move.target', 'target-value');
    await db.query(`UPDATE secrets t SET ciphertext = s.ciphertext, iv = s.iv, auth_tag = s.auth_tag FROM secrets s WHERE t.tenant_id = $1 AND s.tenant_id = $1 AND t.name = 'move.target' AND s.name = 'move.source'`, [tenant]);
    expect((await rejection(resolve(['move.target']))).message).toMatch(/integrity check/);
    await put('move.version', 'v1-value');
    await db.query(`UPDATE secrets SET version = 7 WHERE tenant_id = $1 AND name = 'move.version'`, [tenant]);
    expect((await rejection(resolve(['move.version']))).message).toMatch(/integrity check/);
    // The untouched source still resolves.
    expect((await resolve(['move.source'])).items[0]?.value).toBe('source-value');
  });

  it("tenant isolation: another tenant cannot get, resolve or delete a tenant's secret (NOT_FOUND), and has its own data key", async () => {
    await put('shared.name', 'tenant-a-value');
    expect((await rejection(get('shared.name', other))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(resolve(['shared.name'], other))).code).toBe(ErrorCode.NotFound);
    expect((await rejection(del('shared.name', other))).code).toBe(ErrorCode.NotFound);
    expect((await list(other)).items).toEqual([]);
    await put('shared.name', 'tenant-b-value', '', other);
    expect((await resolve(['shared.name'], other)).items[0]).toMatchObject({ version: 1, value: 'tenant-b-value' });
    expect((await resolve(['shared.name'])).items[0]?.value).toBe('tenant-a-value');
    const { rows } = await db.query(`SELECT tenant_id, wrapped_dek FROM tenant_keys WHERE tenant_id = ANY($1::text[])`, [[tenant, other]]);
    expect(rows).toHaveLength(2);
    // Tenant B's wrapped data key copied onto tenant A's row does not unwrap for A (the tenant id is in the associated data).
    await db.query(`UPDATE tenant_keys SET wrapped_dek = (SELECT wrapped_dek FROM tenant_keys WHERE tenant_id = $2) WHERE tenant_id = $1`, [tenant, other]);
    const error = await rejection(resolve(['shared.name']));
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toMatch(/data key failed its integrity check/);
    const restored = (rows as { tenant_id: string; wrapped_dek: Buffer }[]).find((r) => r.tenant_id === tenant)!;
    await db.query(`UPDATE tenant_keys SET wrapped_dek = $2 WHERE tenant_id = $1`, [tenant, restored.wrapped_dek]);
    expect((await resolve(['shared.name'])).items[0]?.value).toBe('tenant-a-value');
  });

  it.each([
    ['a name longer than 128 characters', () => put(`a${'b'.repeat(128)}`, 'v'), '/name'],
    ['a name starting with a digit', () => put('1password', 'v'), '/name'],
    ['a name with a space', () => put('my key', 'v'), '/name'],
    ['a name with a slash', () => put('a/b', 'v'), '/name'],
    ['an empty name', () => put('', 'v'), '/name'],
    ['an empty value', () => put('empty.value', ''), '/value'],
    ['a value over the limit', () => put('big.value', 'x'.repeat(SECRET_VALUE_MAX_BYTES + 1)), '/value'],
    ['a value over the limit in UTF-8 bytes', () => put('big.utf8', 'é'.repeat(SECRET_VALUE_MAX_BYTES / 2 + 1)), '/value'],
    ['a description over 500 characters', () => put('long.description', 'v', 'd'.repeat(501)), '/description'],
    ['get with a bad name', () => get('bad name'), '/name'],
    ['resolve with no names', () => resolve([]), '/names'],
    ['resolve with 33 names', () => resolve(Array.from({ length: 33 }, (_, i) => `n${i}`)), '/names'],
    ['resolve with a bad name', () => resolve(['good.one', '-bad']), '/names/1'],
  ] as const)('%s: INVALID_ARGUMENT with its path', async (_what, call, path) => {
    const error = await rejection(call());
    expect(error.code).toBe(ErrorCode.InvalidArgument);
    expect(error.path).toBe(path);
  });

  it('a value of exactly the limit is accepted; an invalid put leaves no row', async () => {
    const value = 'x'.repeat(SECRET_VALUE_MAX_BYTES);
    expect((await put('max.value', value)).secret?.size).toBe(SECRET_VALUE_MAX_BYTES);
    expect((await resolve(['max.value'])).items[0]?.value).toBe(value);
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM secrets WHERE name IN ('empty.value', 'big.value', 'big.utf8', 'long.description')`);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
