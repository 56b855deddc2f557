import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { openRedis } from '@af/persistence';
import { testTenant } from '@af/testing';
import { validBlueprint } from '../test/blueprint.builder.js';
import { connectClient, startValidation } from '../test/harness.js';

/** Tests poke into the document freely; the validator itself takes `unknown`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const blueprint = (): Doc => validBlueprint();


/** The same document with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
}

describe('validation over real NATS with a Redis cache', () => {
  let validation: Awaited<ReturnType<typeof startValidation>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const developer = { subject: 'dev@acme', roles: ['Developer', 'Viewer'], permissions: [] };

  beforeAll(async () => {
    validation = await startValidation({ VALIDATION_CACHE_TTL_SECONDS: '120' });
    client = await connectClient();
  });

  afterAll(async () => {
    await client?.close();
    await validation?.stop();
  });

  const validate = (document: unknown, caller = developer, tenantId: string = tenant) =>
    client.bus.request('af.v1.validation.validate', { documentJson: JSON.stringify(document), caller }, { tenantId });

  it('validates, then answers the same document (any key order) from the cache with a bounded TTL', async () => {
    const doc = blueprint();
    doc.metadata.name = `cache-${Date.now()}`;
    const first = await validate(doc);
    expect(first.cached).toBe(false);
    expect(first.report).toMatchObject({ valid: true, errors: [], warnings: [] });

    const second = await validate(reordered(doc));
    expect(second.cached).toBe(true);
    expect(second.report?.valid).toBe(true);

    const redis = await openRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', validation.keyPrefix);
    try {
      const keys = await redis.keys(`${validation.keyPrefix}validation:report:${tenant}:*`);
      expect(keys.length).toBeGreaterThanOrEqual(1);
      const ttl = await redis.ttl(keys[0]!.slice(validation.keyPrefix.length));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(120);
    } finally {
      await redis.quit();
    }
  });

  it('keys the cache by policy context (sorted) and by tenant', async () => {
    const doc = blueprint();
    doc.metadata.name = `policy-${Date.now()}`;
    expect((await validate(doc)).cached).toBe(false);
    expect((await validate(doc, { ...developer, roles: ['Viewer', 'Developer'] })).cached).toBe(true);
    expect((await validate(doc, { ...developer, roles: ['Administrator'] })).cached).toBe(false);
    expect((await validate(doc, developer, other)).cached).toBe(false);
  });

  it('returns every finding with tier, code, JSON Pointer and severity over the wire', async () => {
    const doc = blueprint();
    doc.spec.tools[0].scope = 'global';
    doc.spec.actions.requireApproval = ['update_crn'];
    doc.spec.context.accessLevel = 'crossOrganization';
    const { report, cached } = await validate(doc);
    expect(cached).toBe(false);
    expect(report?.valid).toBe(false);
    expect(report?.errors.map((f) => ({ tier: f.tier, code: f.code, path: f.path, severity: f.severity }))).toEqual([
      { tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/tools/0/scope', severity: 'error' },
      { tier: 'semantic', code: 'UNKNOWN_APPROVAL_TOOL', path: '/spec/actions/requireApproval/0', severity: 'error' },
      { tier: 'policy', code: 'CROSS_ORGANIZATION_NOT_PERMITTED', path: '/spec/context/accessLevel', severity: 'error' },
    ]);
    expect(report?.warnings.map((f) => f.code)).toEqual(['SENSITIVE_TOOL_WITHOUT_APPROVAL']);
    expect(report?.suggestions).toContainEqual(expect.objectContaining({ path: '/spec/actions/requireApproval/0', replacementJson: '"update_crm"' }));
  });

  it('reports a document that is not JSON, or not an object, instead of failing', async () => {
    const notJson = await client.bus.request('af.v1.validation.validate', { documentJson: '{nope', caller: developer }, { tenantId: tenant });
    expect(notJson.report?.errors.map((f) => f.code)).toEqual(['DOCUMENT_NOT_JSON']);
    expect((await validate([1, 2])).report?.errors.map((f) => f.code)).toEqual(['DOCUMENT_NOT_OBJECT']);
  });

  it('publishes the blueprint JSON Schema (the file in the repository) with its content hash', async () => {
    const { readFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const file = readFileSync(new URL('../schema/blueprint.schema.json', import.meta.url), 'utf8');
    const reply = await client.bus.request('af.v1.validation.schema.get', { name: 'blueprint' }, { tenantId: tenant });
    expect(reply.name).toBe('blueprint');
    expect(reply.schemaJson).toBe(file);
    expect(reply.contentHash).toBe(`sha256:${createHash('sha256').update(file).digest('hex')}`);
    expect(JSON.parse(reply.schemaJson)).toMatchObject({ properties: { apiVersion: expect.anything(), spec: expect.anything() } });
    expect((await client.bus.request('af.v1.validation.schema.get', { name: '' }, { tenantId: tenant })).name).toBe('blueprint');
    await expect(client.bus.request('af.v1.validation.schema.get', { name: 'nope' }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.NotFound, path: '/name' });
  });

  it('refuses a request without tenant', async () => {
    const request = client.bus.request('af.v1.validation.validate', { documentJson: '{}' });
    await expect(request).rejects.toBeInstanceOf(AppError);
    await expect(request).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('exposes its metrics and readiness', async () => {
    const { port } = validation.service.app.getHttpServer().address() as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/af_validations_total\{outcome="valid",service="validation"\} \d+/);
    expect(metrics).toMatch(/af_validation_cache_lookups_total\{result="hit",service="validation"\} \d+/);
    expect(metrics).toContain('af_validation_duration_seconds_bucket');
  });
});
