import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { testTenant } from '@af/testing';
import type pg from 'pg';
import { LocalKeyWrapper } from '../crypto/key-wrapper.js';
import { newDataKey, sealValue } from '../crypto/secret-cipher.js';
import { connectClient, developer, keysEnv, newMasterKey, ownerConnection, startSecrets, type SecretsUnderTest } from '../test/harness.js';

describe('master key rotation (real PostgreSQL and NATS, the service restarted with another active key)', () => {
  const keyA = newMasterKey();
  const keyB = newMasterKey();
  const tenant = parseTenantId(testTenant());
  const late = parseTenantId(testTenant());
  let secrets: SecretsUnderTest;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let db: pg.Client;

  beforeAll(async () => {
    client = await connectClient();
  }, 30_000);

  afterAll(async () => {
    await db?.end();
    await client?.close();
    await secrets?.stop();
  });

  const keyRow = async (tenantId: string) =>
    (await db.query(`SELECT master_key_id, wrapped_dek, rewrapped_at FROM tenant_keys WHERE tenant_id = $1`, [tenantId])).rows[0] as { master_key_id: string; wrapped_dek: Buffer; rewrapped_at: Date | null };

  it('a data key wrapped under master key A is re-wrapped under B at boot once B is active, and its secrets still resolve', async () => {
    secrets = await startSecrets(keysEnv({ A: keyA }, 'A'));
    db = await ownerConnection(secrets.databaseUrl, secrets.schema);
    await client.bus.request('af.v1.secrets.put', { name: 'provider.key', value: 'value-under-A', description: '', caller: developer }, { tenantId: tenant });
    const before = await keyRow(tenant);
    expect(before.master_key_id).toBe('A');
    expect(before.rewrapped_at).toBeNull();
    await secrets.close();

    // Same schema, both keys configured, B active: the boot pass re-wraps.
    secrets = await startSecrets(keysEnv({ A: keyA, B: keyB }, 'B'), secrets.schema);
    const after = await keyRow(tenant);
    expect(after.master_key_id).toBe('B');
    expect(after.rewrapped_at).not.toBeNull();
    expect(after.wrapped_dek.equals(before.wrapped_dek)).toBe(false);
    const resolved = await client.bus.request('af.v1.secrets.resolve', { names: ['provider.key'], runId: 'r', stepId: 'r/1' }, { tenantId: tenant });
    expect(resolved.items[0]).toMatchObject({ name: 'provider.key', version: 1, value: 'value-under-A' });
    await secrets.close();

    // A retired: B alone still decrypts everything.
    secrets = await startSecrets(keysEnv({ B: keyB }, 'B'), secrets.schema);
    const again = await client.bus.request('af.v1.secrets.resolve', { names: ['provider.key'], runId: 'r', stepId: 'r/2' }, { tenantId: tenant });
    expect(again.items[0]?.value).toBe('value-under-A');
    await secrets.close();
  }, 60_000);

  it('a data key found under an older master key after boot is re-wrapped lazily by the resolve that uses it', async () => {
    secrets = await startSecrets(keysEnv({ A: keyA, B: keyB }, 'B'), secrets.schema);
    // Written as an instance still running with A active would have (that instance's own crypto).
    const oldInstance = new LocalKeyWrapper(new Map([['A', Buffer.from(keyA, 'base64')], ['B', Buffer.from(keyB, 'base64')]]), 'A');
    const dek = newDataKey();
    const wrapped = await oldInstance.wrap(late, dek);
    const sealed = sealValue(dek, { tenantId: late, name: 'late.key', version: 1 }, 'late-value');
    await db.query(`INSERT INTO tenant_keys (tenant_id, master_key_id, wrapped_dek) VALUES ($1, $2, $3)`, [late, wrapped.masterKeyId, wrapped.wrapped]);
    await db.query(`INSERT INTO secrets (tenant_id, name, version, ciphertext, iv, auth_tag, size, updated_by) VALUES ($1, 'late.key', 1, $2, $3, $4, 10, 'test')`, [
      late, sealed.ciphertext, sealed.iv, sealed.tag,
    ]);
    expect((await keyRow(late)).master_key_id).toBe('A');
    const resolved = await client.bus.request('af.v1.secrets.resolve', { names: ['late.key'], runId: 'r', stepId: 'r/1' }, { tenantId: late });
    expect(resolved.items[0]?.value).toBe('late-value');
    expect((await keyRow(late)).master_key_id).toBe('B');
  }, 60_000);
});
