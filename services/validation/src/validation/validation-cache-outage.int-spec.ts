import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { MetricsRegistry } from '@af/observability';
import { startOwnRedis, testTenant, type OwnServer } from '@af/testing';
import { validBlueprint } from '../test/blueprint.builder.js';
import { connectClient, startValidation } from '../test/harness.js';

/** The cache is optional: with its Redis gone, validation answers at once (it hung 9–10 s queueing commands). */
describe('validation with its cache Redis down', () => {
  let redis: OwnServer;
  let validation: Awaited<ReturnType<typeof startValidation>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());

  beforeAll(async () => {
    redis = await startOwnRedis();
    validation = await startValidation({ REDIS_URL: redis.url });
    client = await connectClient();
  });

  afterAll(async () => {
    await client?.close();
    await redis?.restart().catch(() => undefined); // stop() deletes the test's keys through it
    await validation?.stop();
    await redis?.stop();
  });

  const validate = (name: string) => {
    const doc = validBlueprint() as { metadata: { name: string } };
    doc.metadata.name = name;
    return client.bus.request('af.v1.validation.validate', { documentJson: JSON.stringify(doc), caller: { subject: 'dev', roles: ['Developer'], permissions: [] } }, { tenantId: tenant });
  };
  const cacheErrors = async () => {
    const text = await validation.service.app.get(MetricsRegistry).text();
    return Number(/af_cache_errors_total\{cache="validation"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  it('answers in well under a second without the cache, and counts each failed read and write', async () => {
    expect((await validate(`warm-${Date.now()}`)).cached).toBe(false);
    expect(await cacheErrors()).toBe(0);
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const reply = await validate(`down-${i}-${Date.now()}`);
      const took = Date.now() - started;
      expect(reply).toMatchObject({ cached: false, report: { valid: true } });
      expect(took).toBeLessThan(1_000);
    }
    expect(await cacheErrors()).toBe(6);
  });

  it('answers without the cache while Redis is frozen (command timeout), instead of waiting for it', async () => {
    await redis.restart();
    await new Promise((r) => setTimeout(r, 2_500)); // the client reconnects (delay capped at 2 s)
    expect((await validate(`back-${Date.now()}`)).cached).toBe(false);
    const before = await cacheErrors();
    redis.freeze();
    try {
      const started = Date.now();
      const reply = await validate(`frozen-${Date.now()}`);
      expect(reply).toMatchObject({ cached: false, report: { valid: true } });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await cacheErrors()).toBe(before + 2);
    } finally {
      redis.thaw();
    }
  });
});
