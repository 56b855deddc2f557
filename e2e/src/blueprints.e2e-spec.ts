import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, mintToken, newTenant } from './client.js';

/** A valid blueprint as YAML; `extra` lines go under spec (two-space indent). */
function blueprint(name: string, opts: { description?: string; labels?: Record<string, string>; goal?: string; scope?: string; tools?: string; extra?: string } = {}): string {
  const labels = Object.entries(opts.labels ?? { team: 'sales' })
    .map(([k, v]) => `    ${k}: ${v}`)
    .join('\n');
  return `apiVersion: agentfactory.io/v1
kind: AgentBlueprint
metadata:
  name: ${name}
  description: ${JSON.stringify(opts.description ?? 'Qualifies inbound leads')}
  labels:
${labels}
spec:
  goal: ${JSON.stringify(opts.goal ?? 'Decide whether an inbound lead is qualified')}
  model: {route: [offline/default]}
  prompt: {system: "You qualify leads for {{company}}.", user: "Lead: {{input.message}}", variables: {company: Acme}}
  tools:
    - name: score_lead
      scope: internal
      inputSchema: {type: object, properties: {message: {type: string}}, required: [message]}
      code: |
        export default function ({ message }: { message: string }) { return { score: message.length }; }
${opts.tools ?? ''}  output:
    schema: {type: object, properties: {qualified: {type: boolean}}, required: [qualified]}
${opts.extra ?? ''}`;
}

const realWorldTools = '    - name: charge\n      scope: realWorld\n      builtin: payment.process\n';
const realWorldExtra = '  actions: {maxAllowedScope: realWorld, requireApproval: [charge]}\n';

describe('blueprints as versioned resources, through the gateway', () => {
  const tenant = newTenant();
  let admin: string;
  let developer: string;

  beforeAll(async () => {
    admin = await mintToken({ tenant, roles: ['Administrator'], sub: 'admin@acme.test' });
    developer = await mintToken({ tenant, roles: ['Developer'], sub: 'dev@acme.test' });
  });

  const post = (token: string, yaml: string) => api('POST', '/v1/blueprints', { token, raw: yaml });
  const put = (token: string, name: string, yaml: string, ifMatch?: string) => api('PUT', `/v1/blueprints/${name}`, { token, raw: yaml, ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}) });

  it('versions every change: list of versions, each version, identical content adds none', async () => {
    expect((await post(developer, blueprint('versioned'))).status).toBe(201);
    expect((await put(developer, 'versioned', blueprint('versioned'))).body).toMatchObject({ version: 1, created: false });
    expect((await put(admin, 'versioned', blueprint('versioned', { goal: 'Second goal' }), '1')).status).toBe(201);

    const versions = await api('GET', '/v1/blueprints/versioned/versions', { token: developer });
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({
      name: 'versioned',
      archivedAt: null,
      items: [
        { version: 1, author: 'dev@acme.test', valid: true },
        { version: 2, author: 'admin@acme.test', valid: true },
      ],
    });
    const items = versions.body['items'] as { contentHash: string; createdAt: string }[];
    expect(items[0]!.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(items[0]!.contentHash).not.toBe(items[1]!.contentHash);
    expect(Date.parse(items[1]!.createdAt)).toBeGreaterThan(0);

    const v1 = await api('GET', '/v1/blueprints/versioned/versions/1', { token: developer });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, contentHash: items[0]!.contentHash, document: { spec: { goal: 'Decide whether an inbound lead is qualified' } } });
    expect((await api('GET', '/v1/blueprints/versioned/versions/9', { token: developer })).body.error).toMatchObject({ code: 'NOT_FOUND', path: '/version' });
    expect((await api('GET', '/v1/blueprints/versioned/versions/x', { token: developer })).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/version' });
    expect((await api('GET', '/v1/blueprints/nobody/versions', { token: developer })).status).toBe(404);
  });

  it('diffs two versions structurally (tools matched by name)', async () => {
    await post(developer, blueprint('diffed'));
    const tools = '    - name: notify\n      scope: external\n      builtin: email.send\n';
    await put(developer, 'diffed', blueprint('diffed', { goal: 'Qualify B2B leads', tools, labels: { team: 'sales', tier: 'gold' } }));
    const diff = await api('GET', '/v1/blueprints/diffed/diff?from=1&to=2', { token: developer });
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      name: 'diffed',
      from: 1,
      to: 2,
      operations: [
        { op: 'add', path: '/metadata/labels/tier', to: 'gold' },
        { op: 'replace', path: '/spec/goal', from: 'Decide whether an inbound lead is qualified', to: 'Qualify B2B leads' },
        { op: 'add', path: '/spec/tools/1', to: { name: 'notify', scope: 'external', builtin: 'email.send' } },
      ],
    });
    expect((await api('GET', '/v1/blueprints/diffed/diff?from=2', { token: developer })).body).toMatchObject({ from: 2, to: 2, operations: [] });
    expect((await api('GET', '/v1/blueprints/diffed/diff', { token: developer })).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/query/from' });
    expect((await api('GET', '/v1/blueprints/diffed/diff?from=1&to=5', { token: developer })).body.error).toMatchObject({ code: 'NOT_FOUND', path: '/to_version' });
  });

  it('answers 409 on If-Match conflicts for PUT and DELETE, and 400 on a malformed If-Match', async () => {
    await post(developer, blueprint('guarded'));
    await put(developer, 'guarded', blueprint('guarded', { goal: 'v2' }), '1');
    const stale = await put(developer, 'guarded', blueprint('guarded', { goal: 'v3' }), '1');
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'CONFLICT', details: { latestVersion: 2 } });
    const staleDelete = await api('DELETE', '/v1/blueprints/guarded', { token: admin, headers: { 'if-match': '"1"' } });
    expect(staleDelete.status).toBe(409);
    expect(staleDelete.body.error).toMatchObject({ code: 'CONFLICT', details: { latestVersion: 2 } });
    expect((await api('DELETE', '/v1/blueprints/guarded', { token: admin, headers: { 'if-match': 'abc' } })).body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/headers/if-match' });
    expect((await api('GET', '/v1/blueprints/guarded', { token: developer })).body).toMatchObject({ version: 2, archivedAt: null });
  });

  it('stops running an archived agent: its deployment is deactivated (409 ARCHIVED), and a restore needs a new deploy', async () => {
    await post(developer, blueprint('shelved'));
    const deployed = await api('POST', '/v1/agents/shelved/deployments', { token: developer, body: {} });
    expect(deployed.status).toBe(201);
    expect((await api('POST', '/v1/agents/shelved/runs', { token: developer, body: { input: { message: 'hi' } } })).status).toBe(202);

    expect((await api('DELETE', '/v1/blueprints/shelved', { token: admin })).status).toBe(200);
    // The deployment service applies the archive event asynchronously: poll until runs are refused.
    let refused = await api('POST', '/v1/agents/shelved/runs', { token: developer, body: { input: {} } });
    for (let i = 0; i < 100 && refused.status === 202; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await api('POST', '/v1/agents/shelved/runs', { token: developer, body: { input: {} } });
    }
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'ARCHIVED', path: '/agent' });
    const history = await api('GET', '/v1/agents/shelved/deployments', { token: developer });
    expect((history.body['items'] as { status: string }[])[0]).toMatchObject({ status: 'deactivated' });

    // Restored: still not deployed until someone deploys it again.
    expect((await put(developer, 'shelved', blueprint('shelved', { goal: 'Back again' }))).status).toBe(201);
    const notDeployed = await api('POST', '/v1/agents/shelved/runs', { token: developer, body: { input: {} } });
    expect(notDeployed.status).toBe(409);
    expect(notDeployed.body.error).toMatchObject({ code: 'NOT_DEPLOYED' });
  });

  it('archives on DELETE: still readable, hidden from the list, name reserved (409), PUT restores', async () => {
    await post(developer, blueprint('retired'));
    const archived = await api('DELETE', '/v1/blueprints/retired', { token: admin, headers: { 'if-match': '1' } });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ name: 'retired', latestVersion: 1, changed: true });
    const archivedAt = String(archived.body['archivedAt']);
    expect(Date.parse(archivedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await api('DELETE', '/v1/blueprints/retired', { token: admin })).body).toMatchObject({ changed: false, archivedAt });

    expect((await api('GET', '/v1/blueprints/retired', { token: developer })).body).toMatchObject({ version: 1, archivedAt });
    const names = async (query: string) => ((await api('GET', `/v1/blueprints${query}`, { token: developer })).body['items'] as { name: string }[]).map((i) => i.name);
    expect(await names('')).not.toContain('retired');
    expect(await names('?includeArchived=true')).toContain('retired');

    const again = await post(developer, blueprint('retired'));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', path: '/metadata/name' });
    expect(again.body.error?.message).toMatch(/archived/);

    const deploy = await api('POST', '/v1/agents/retired/deployments', { token: developer, body: {} });
    expect(deploy.status).toBe(409);

    const restored = await put(developer, 'retired', blueprint('retired', { goal: 'Back again' }));
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({ version: 2, archivedAt: null });
    expect(await names('')).toContain('retired');
    expect((await api('DELETE', '/v1/blueprints/nobody', { token: admin })).status).toBe(404);
  });

  it('lists with a label selector, free text and cursor pagination', async () => {
    const other = await mintToken({ tenant: newTenant(), roles: ['Developer'] });
    const specs: [string, Record<string, string>, string][] = [
      ['shop-a', { team: 'sales', tier: 'gold' }, 'Sells mortgages'],
      ['shop-b', { team: 'sales', tier: 'silver' }, 'Sells insurance'],
      ['shop-c', { team: 'support' }, 'Answers tickets'],
      ['shop-d', { team: 'sales' }, 'Books viewings'],
    ];
    for (const [name, labels, description] of specs) expect((await post(other, blueprint(name, { labels, description }))).status).toBe(201);
    const list = async (query: string) => {
      const res = await api('GET', `/v1/blueprints${query}`, { token: other });
      expect(res.status).toBe(200);
      return res.body as { items: { name: string; labels: Record<string, string>; latestVersion: number; valid: boolean }[]; nextCursor: string | null };
    };
    const all = await list('');
    expect(all.items.map((i) => i.name)).toEqual(['shop-a', 'shop-b', 'shop-c', 'shop-d']);
    expect(all.items[0]).toMatchObject({ labels: { team: 'sales', tier: 'gold' }, latestVersion: 1, valid: true, description: 'Sells mortgages' });
    expect(all.nextCursor).toBeNull();
    expect((await list('?labels=team=sales,tier!=gold')).items.map((i) => i.name)).toEqual(['shop-b', 'shop-d']);
    expect((await list(`?labels=${encodeURIComponent('tier')}`)).items.map((i) => i.name)).toEqual(['shop-a', 'shop-b']);
    expect((await list(`?labels=${encodeURIComponent('!tier')}`)).items.map((i) => i.name)).toEqual(['shop-c', 'shop-d']);
    expect((await list('?q=INSURANCE')).items.map((i) => i.name)).toEqual(['shop-b']);

    const page1 = await list('?limit=3');
    expect(page1.items.map((i) => i.name)).toEqual(['shop-a', 'shop-b', 'shop-c']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await list(`?limit=3&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.items.map((i) => i.name)).toEqual(['shop-d']);
    expect(page2.nextCursor).toBeNull();

    for (const [query, path] of [
      ['?limit=101', '/query/limit'],
      ['?limit=x', '/query/limit'],
      ['?cursor=forged', '/query/cursor'],
      ['?labels=team%20in%20(a)', '/query/labels'],
      ['?includeArchived=maybe', '/query/includeArchived'],
    ] as const) {
      const res = await api('GET', `/v1/blueprints${query}`, { token: other });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', path });
    }
    // Tenants never see each other's blueprints.
    expect((await api('GET', '/v1/blueprints', { token: developer })).body['items']).not.toContainEqual(expect.objectContaining({ name: 'shop-a' }));
  });

  it('validates for the caller: stored (POST …/validate) and unsaved (POST /v1/validate, YAML or JSON), 200 even when invalid', async () => {
    const source = blueprint('admin-only', { tools: realWorldTools, extra: realWorldExtra });
    expect((await post(admin, source)).status).toBe(201);
    const forDeveloper = await api('POST', '/v1/blueprints/admin-only/validate', { token: developer });
    expect(forDeveloper.status).toBe(200);
    expect(forDeveloper.body).toMatchObject({ valid: false, name: 'admin-only', version: 1, errors: [{ tier: 'policy', code: 'REAL_WORLD_REQUIRES_ADMINISTRATOR', path: '/spec/actions/maxAllowedScope' }] });
    expect(forDeveloper.body['suggestions']).toContainEqual(expect.objectContaining({ path: '/spec/actions/maxAllowedScope', replacement: 'external' }));
    const forAdmin = await api('POST', '/v1/blueprints/admin-only/validate?version=1', { token: admin });
    expect(forAdmin.body).toMatchObject({ valid: true, version: 1, cached: true });

    // Deploy re-validates for the deploying caller: for a realWorld agent the Developer's finding
    // becomes a request for an Administrator's approval (README "Deployment approvals"), nothing deployed.
    const deploy = await api('POST', '/v1/agents/admin-only/deployments', { token: developer, body: {} });
    expect(deploy.status).toBe(403);
    expect(deploy.body.error).toMatchObject({ code: 'APPROVAL_REQUIRED', details: { escalationId: expect.any(String), finding: { tier: 'policy', code: 'REALWORLD_DEPLOY_NEEDS_ADMIN' } } });
    expect((await api('GET', '/v1/agents/admin-only/deployments/active', { token: admin })).status).toBe(409);

    const unsaved = blueprint('draft').replace('{{company}}', '{{compnay}}');
    const yaml = await api('POST', '/v1/validate', { token: developer, raw: unsaved });
    expect(yaml.status).toBe(200);
    expect(yaml.body).toMatchObject({ valid: false, name: 'draft', version: null, cached: false, errors: [{ tier: 'semantic', code: 'UNDEFINED_VARIABLE', path: '/spec/prompt/system' }] });
    expect(yaml.body['suggestions']).toContainEqual({ path: '/spec/prompt/system', message: 'did you mean {{company}}?', replacement: 'company' });
    // The same document as JSON: same content, so the cache answers.
    const asJson = await api('POST', '/v1/validate', { token: developer, raw: JSON.stringify(yamlToJsonDraft()), type: 'application/json' });
    expect(asJson.status).toBe(200);
    expect(asJson.body).toMatchObject({ valid: false, cached: true, contentHash: yaml.body['contentHash'] });
    expect((await api('GET', '/v1/blueprints/draft', { token: developer })).status).toBe(404);
  });

  it('refuses to save an invalid blueprint with 422 and the report', async () => {
    const res = await post(developer, blueprint('invalid-save').replace('scope: internal', 'scope: global'));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', path: '/spec/tools/0/scope', details: { valid: false, errors: [{ tier: 'schema', code: 'SCHEMA_ENUM', path: '/spec/tools/0/scope' }] } });
  });

  it('serves the blueprint JSON Schema', async () => {
    const res = await api('GET', '/v1/schemas/blueprint', { token: developer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(res.headers.get('etag')).toMatch(/^"sha256:[0-9a-f]{64}"$/);
    expect(res.body).toMatchObject({ type: 'object', properties: { apiVersion: expect.anything(), kind: expect.anything(), metadata: expect.anything(), spec: expect.anything() } });
    expect((await api('GET', '/v1/schemas/nothing', { token: developer })).status).toBe(404);
    expect((await api('GET', '/v1/schemas/blueprint')).status).toBe(401);
  });
});

/** blueprint('draft') with the typo, as the JSON the YAML means. */
function yamlToJsonDraft() {
  return {
    apiVersion: 'agentfactory.io/v1',
    kind: 'AgentBlueprint',
    metadata: { name: 'draft', description: 'Qualifies inbound leads', labels: { team: 'sales' } },
    spec: {
      goal: 'Decide whether an inbound lead is qualified',
      model: { route: ['offline/default'] },
      prompt: { system: 'You qualify leads for {{compnay}}.', user: 'Lead: {{input.message}}', variables: { company: 'Acme' } },
      tools: [{ name: 'score_lead', scope: 'internal', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }, code: 'export default function ({ message }: { message: string }) { return { score: message.length }; }\n' }],
      output: { schema: { type: 'object', properties: { qualified: { type: 'boolean' } }, required: ['qualified'] } },
    },
  };
}
