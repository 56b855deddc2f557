import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompileRequestSchema, parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { testTenant } from '@af/testing';
import { leadQualifier, startCompilation } from '../test/harness.js';
import { ArtifactCacheRepository } from './artifact-cache.repository.js';
import { ArtifactService } from './artifact.service.js';
import { canonicalJson, sha256 } from './canonical-json.js';

/**
 * The compilation service booted for real (PostgreSQL, Redis, NATS). Calls go straight to its
 * ArtifactService: over NATS, a mesh running beside the tests would share the `compilation` queue
 * group and could answer instead (the NATS edge is covered by e2e/src/artifacts.e2e-spec.ts).
 */
describe('compilation against real PostgreSQL and Redis', () => {
  let compilation: Awaited<ReturnType<typeof startCompilation>>;
  let sut: ArtifactService;
  let hot: ArtifactCacheRepository;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const compile = (doc: unknown, tenantId = tenant, version = 1) =>
    sut.compile(tenantId, create(CompileRequestSchema, { blueprintName: 'lead-qualifier', blueprintVersion: version, contentHash: sha256(canonicalJson(doc)), documentJson: JSON.stringify(doc) }));
  const metrics = async () => fetch(`${await compilation.service.app.getUrl()}/metrics`).then((r) => r.text());

  beforeAll(async () => {
    compilation = await startCompilation();
    sut = compilation.service.app.get(ArtifactService);
    hot = compilation.service.app.get(ArtifactCacheRepository);
  });

  afterAll(async () => {
    await compilation?.stop();
  });

  it('compiles, stores gzip, serves the canonical JSON back, and skips a second compile of the same source', async () => {
    const first = await compile(leadQualifier());
    expect(first).toMatchObject({ cached: false, artifactHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });

    const got = await sut.get(tenant, first.artifactHash as string);
    expect(got).toMatchObject({ artifactHash: first.artifactHash, blueprintName: 'lead-qualifier', blueprintVersion: 1 });
    expect(sha256(got.artifactJson as string)).toBe(first.artifactHash);
    expect(JSON.parse(got.artifactJson as string)).toMatchObject({ format: 'af.artifact/v1', tools: [{ name: 'score_lead', kind: 'code' }], network: { allowHosts: [] } });

    const again = await compile(leadQualifier());
    expect(again).toMatchObject({ cached: true, artifactHash: first.artifactHash });

    const ds = await compilation.dataSource();
    const rows = (await ds.query(`SELECT size, length(artifact) AS stored, blueprint_version FROM "${compilation.schema}".artifacts WHERE tenant_id = $1`, [tenant])) as { size: number; stored: number }[];
    await ds.destroy();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.size).toBe((got.artifactJson as string).length);
    expect(Number(rows[0]?.stored)).toBeLessThan(rows[0]?.size ?? 0);

    const text = await metrics();
    expect(text).toMatch(/af_compilation_cache_total\{op="compile",layer="redis",result="hit",service="compilation"\} [1-9]/);
    expect(text).toContain('af_compilation_compile_duration_seconds_bucket');
  });

  it('serves artifacts from Redis with a bounded TTL, and from PostgreSQL (refilling Redis) when Redis lost them', async () => {
    const { artifactHash } = await compile(leadQualifier({ name: 'cache-probe' }), tenant, 7);
    const hash = artifactHash as string;
    const ttl = await hot.ttl(tenant, hash);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(compilation.config.cache.ttlSeconds);

    const before = await metrics();
    const count = (text: string, layer: string, result: string) => Number(new RegExp(`af_compilation_cache_total\\{op="artifact",layer="${layer}",result="${result}",service="compilation"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    await sut.get(tenant, hash);
    let after = await metrics();
    expect(count(after, 'redis', 'hit')).toBe(count(before, 'redis', 'hit') + 1);

    const redis = compilation.service.app.get<symbol, { del(key: string): Promise<number> }>(Symbol.for('af.persistence.redis'));
    await redis.del(`compilation:artifact:${tenant}:${hash}`);
    const fromPostgres = await sut.get(tenant, hash);
    expect(sha256(fromPostgres.artifactJson as string)).toBe(hash);
    after = await metrics();
    expect(count(after, 'postgres', 'hit')).toBe(count(before, 'postgres', 'hit') + 1);
    expect(await hot.ttl(tenant, hash)).toBeGreaterThan(0);

    const meta = await sut.describe(tenant, hash);
    expect(meta).toMatchObject({ artifactHash: hash, blueprintName: 'lead-qualifier', blueprintVersion: 7, toolNames: ['score_lead'], compilerVersion: expect.stringContaining('af-compiler@') });
    expect(meta.size).toBe((fromPostgres.artifactJson as string).length);
    expect(meta).not.toHaveProperty('artifactJson');
  });

  it('gives another version its own artifact, and keeps artifacts per tenant', async () => {
    const v1 = await compile(leadQualifier());
    const v2 = await compile(leadQualifier(), tenant, 2);
    expect(v2.artifactHash).not.toBe(v1.artifactHash);
    await expect(sut.get(other, v1.artifactHash as string)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(sut.describe(other, v1.artifactHash as string)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // The same blueprint compiled by another tenant is the same content, hence the same hash.
    expect((await compile(leadQualifier(), other)).artifactHash).toBe(v1.artifactHash);
  });

  it('answers tool code that does not compile or type-check with VALIDATION_FAILED, its path and the position in the code', async () => {
    const broken = leadQualifier({ toolCode: 'export default function () {\n  return {;\n}' });
    await expect(compile(broken)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code', details: { errors: [{ line: 2 }] } });
    const mistyped = leadQualifier({ toolCode: 'export default function ({ message }) {\n  return { score: message.foo() };\n}' });
    await expect(compile(mistyped)).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code', details: { errors: [{ line: 2, column: 27 }] } });
    await expect(compile('not a blueprint' as unknown)).rejects.toMatchObject({ code: ErrorCode.InvalidDocument });
    await expect(sut.get(tenant, 'sha256:nope')).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });
});
