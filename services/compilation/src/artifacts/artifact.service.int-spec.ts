import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { testTenant } from '@af/testing';
import { connectClient, leadQualifier, startCompilation } from '../test/harness.js';
import { canonicalJson, sha256 } from './canonical-json.js';

describe('compilation against real NATS and PostgreSQL', () => {
  let compilation: Awaited<ReturnType<typeof startCompilation>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  const tenant = parseTenantId(testTenant());
  const other = parseTenantId(testTenant());
  const compile = (doc: unknown, tenantId: string = tenant, version = 1) =>
    client.bus.request('af.v1.compilation.compile', { blueprintName: 'lead-qualifier', blueprintVersion: version, contentHash: sha256(canonicalJson(doc)), documentJson: JSON.stringify(doc) }, { tenantId });

  beforeAll(async () => {
    compilation = await startCompilation();
    client = await connectClient();
  });

  afterAll(async () => {
    await client?.close();
    await compilation?.stop();
  });

  it('compiles, stores gzip, serves the canonical JSON back, and skips a second compile of the same source', async () => {
    const first = await compile(leadQualifier());
    expect(first).toMatchObject({ cached: false, artifactHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });

    const got = await client.bus.request('af.v1.compilation.artifact.get', { artifactHash: first.artifactHash }, { tenantId: tenant });
    expect(got).toMatchObject({ artifactHash: first.artifactHash, blueprintName: 'lead-qualifier', blueprintVersion: 1 });
    expect(sha256(got.artifactJson)).toBe(first.artifactHash);
    expect(JSON.parse(got.artifactJson)).toMatchObject({ format: 'af.artifact/v1', tools: [{ name: 'score_lead', kind: 'code' }] });

    const again = await compile(leadQualifier());
    expect(again).toMatchObject({ cached: true, artifactHash: first.artifactHash });

    const ds = await compilation.dataSource();
    const rows = (await ds.query(`SELECT size, length(artifact) AS stored, blueprint_version FROM "${compilation.schema}".artifacts WHERE tenant_id = $1`, [tenant])) as { size: number; stored: number }[];
    await ds.destroy();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.size).toBe(got.artifactJson.length);
    expect(Number(rows[0]?.stored)).toBeLessThan(rows[0]?.size ?? 0);

    const metrics = await fetch(`${await compilation.service.app.getUrl()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/af_compilation_cache_total\{result="hit",service="compilation"\} [1-9]/);
    expect(metrics).toContain('af_compilation_compile_duration_seconds_bucket');
  });

  it('gives another version its own artifact, and keeps artifacts per tenant', async () => {
    const v1 = await compile(leadQualifier());
    const v2 = await compile(leadQualifier(), tenant, 2);
    expect(v2.artifactHash).not.toBe(v1.artifactHash);
    await expect(client.bus.request('af.v1.compilation.artifact.get', { artifactHash: v1.artifactHash }, { tenantId: other })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // The same blueprint compiled by another tenant is the same content, hence the same hash.
    expect((await compile(leadQualifier(), other)).artifactHash).toBe(v1.artifactHash);
  });

  it('answers a tool that does not compile with VALIDATION_FAILED, its path and the position in the code', async () => {
    const broken = leadQualifier({ toolCode: 'export default function () {\n  return {;\n}' });
    const error = await compile(broken).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/tools/0/code', details: { errors: [{ line: 2 }] } });
    await expect(compile('not a blueprint' as unknown)).rejects.toMatchObject({ code: ErrorCode.InvalidDocument });
    await expect(client.bus.request('af.v1.compilation.artifact.get', { artifactHash: 'sha256:nope' }, { tenantId: tenant })).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });
});
