import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { testTenant } from '@af/testing';
import { connectClient, startDeployment } from '../test/harness.js';
import { answerUpstream } from '../test/upstream-responders.js';

/**
 * af.v1.deployments.evals.draft against the real deployment service and NATS; the blueprints
 * service (source.validate), compilation and the worker are stand-in responders.
 */
describe('draft evals: a blueprint tested before it is saved', () => {
  let deployment: Awaited<ReturnType<typeof startDeployment>>;
  let client: Awaited<ReturnType<typeof connectClient>>;
  let upstream: ReturnType<typeof answerUpstream>;
  const tenant = parseTenantId(testTenant());
  const dev = { subject: 'user:dev', roles: ['Developer'], permissions: [] };
  const draft = (doc: Record<string, unknown>) => JSON.stringify({ apiVersion: 'agentfactory.io/v1', kind: 'Agent', metadata: { name: 'drafted' }, ...doc });
  const test = (source: string, inputJson = '', agent = 'drafted') =>
    client.bus.request('af.v1.deployments.evals.draft', { agent, source, format: 'json', inputJson, caller: dev }, { tenantId: tenant });
  const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as { code: string; path?: string; details?: unknown });

  beforeAll(async () => {
    deployment = await startDeployment();
    client = await connectClient();
    upstream = answerUpstream(client.nc, new Set([tenant]), () => []);
    await client.nc.flush();
  }, 60_000);

  afterAll(async () => {
    await upstream?.stop();
    await client?.close();
    await deployment?.stop();
  });

  it("runs the draft's evals on a worker against a version-0 artifact, with the validation report; nothing is deployed", async () => {
    const reply = await test(draft({ spec: { evals: [{ name: 'greets' }, { name: 'answers', pass: false }] } }));
    expect(reply.report).toMatchObject({ agent: 'drafted', version: 0, passed: false, total: 2, failed: 1 });
    expect(reply.report!.cases.map((c) => [c.name, c.passed])).toEqual([['greets', true], ['answers', false]]);
    expect(reply.validation).toMatchObject({ valid: true, warnings: [{ code: 'NO_DESCRIPTION' }] });
    expect(upstream.evaluated).toContainEqual({ tenant, artifactHash: reply.report!.artifactHash });
    expect(upstream.validated).toContainEqual({ tenant, caller: 'user:dev' });
    expect(upstream.warmed).toEqual([]);
    expect((await client.bus.request('af.v1.deployments.list', { agent: 'drafted' }, { tenantId: tenant })).deployments).toEqual([]);
  });

  it('an ad-hoc input is one more case, "ad-hoc", whose output is shown; another input is another artifact', async () => {
    const source = draft({ spec: { evals: [{ name: 'greets' }] } });
    const first = await test(source, JSON.stringify({ message: 'hello' }));
    expect(first.report).toMatchObject({ passed: true, total: 2, failed: 0 });
    const adHoc = first.report!.cases.find((c) => c.name === 'ad-hoc');
    expect(adHoc).toMatchObject({ passed: true });
    expect(JSON.parse(adHoc!.outputJson)).toEqual({ echo: { message: 'hello' } });
    const second = await test(source, JSON.stringify({ message: 'bye' }));
    expect(second.report!.artifactHash).not.toBe(first.report!.artifactHash);
    const plain = await test(source);
    expect(plain.report!.cases.map((c) => c.name)).toEqual(['greets']);
  });

  it('a draft without evals or input compiles and answers an empty, passing report without asking a worker', async () => {
    const before = upstream.evaluated.length;
    const reply = await test(draft({ spec: {} }));
    expect(reply.report).toMatchObject({ passed: true, total: 0, failed: 0, cases: [] });
    expect(reply.report!.artifactHash).toMatch(/^sha256:/);
    expect(upstream.evaluated.length).toBe(before);
  });

  it('an invalid draft is refused with VALIDATION_FAILED, the report in details and the first error as path; nothing runs', async () => {
    const before = upstream.compiled.length;
    const refused = await rejection(test(draft({ valid: false, spec: { evals: [{ name: 'greets' }] } })));
    expect(refused).toMatchObject({ code: ErrorCode.ValidationFailed, path: '/spec/model', details: { valid: false, errors: [{ code: 'SCHEMA_REQUIRED', path: '/spec/model' }] } });
    expect(upstream.compiled.length).toBe(before);
  });

  it('a realWorld finding does not stop a test (evals make no real-world effects)', async () => {
    const reply = await test(draft({ adminOnly: true, spec: { evals: [{ name: 'greets' }] } }));
    expect(reply.report).toMatchObject({ passed: true, total: 1 });
    expect(reply.validation).toMatchObject({ valid: false, errors: [{ code: 'REAL_WORLD_REQUIRES_ADMINISTRATOR' }] });
  });

  it('refuses a bad agent name, a draft of another agent, a bad or oversized input, an eval already named ad-hoc and an unparsable source', async () => {
    const source = draft({ spec: { evals: [] } });
    expect(await rejection(test(source, '', 'Not_A_Label'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/agent' });
    expect(await rejection(test(source, '', 'other'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/metadata/name' });
    expect(await rejection(test(source, '{"a":'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/input' });
    expect(await rejection(test(source, JSON.stringify({ text: 'x'.repeat(70_000) })))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/input' });
    expect(await rejection(test(draft({ spec: { evals: [{ name: 'ad-hoc' }] } }), '{}'))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/input' });
    expect(await rejection(test('metadata: [unclosed'))).toMatchObject({ code: ErrorCode.InvalidDocument, path: '' });
  });
});
