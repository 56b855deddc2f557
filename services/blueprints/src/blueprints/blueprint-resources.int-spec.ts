import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromBinary } from '@bufbuild/protobuf';
import { BlueprintArchiveChangedSchema, Headers, parseTenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import { processNamespace } from '@af/messaging';
import { testTenant } from '@af/testing';
import { blueprintYaml } from '../test/blueprint.builder.js';
import { admin, developer, startWithValidation } from '../test/harness.js';

/** Blueprints as resources: list, versions, diff, archive and validation on demand, over real NATS and PostgreSQL. */
describe('blueprint resources against real PostgreSQL, NATS and the real validation service', () => {
  let env: Awaited<ReturnType<typeof startWithValidation>>;
  let client: Awaited<ReturnType<typeof startWithValidation>>['client'];
  const tenant = parseTenantId(testTenant());

  beforeAll(async () => {
    env = await startWithValidation();
    ({ client } = env);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  const opts = { tenantId: tenant };
  const create = (source: string, caller = developer) => client.bus.request('af.v1.blueprints.create', { source, format: 'yaml', caller }, opts);
  const update = (name: string, source: string, expectedVersion = 0, caller = developer) =>
    client.bus.request('af.v1.blueprints.update', { name, source, format: 'yaml', caller, expectedVersion }, opts);
  const list = (request: { labelSelector?: string; query?: string; includeArchived?: boolean; limit?: number; cursor?: string }) => client.bus.request('af.v1.blueprints.list', request, opts);
  const archive = (name: string, expectedVersion = 0) => client.bus.request('af.v1.blueprints.archive', { name, expectedVersion, caller: developer }, opts);
  const names = (reply: { items: { name: string }[] }) => reply.items.map((i) => i.name);
  const rejection = async (promise: Promise<unknown>): Promise<AppError> => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };
  const labelled = (name: string, labels: string, goal = 'Qualify inbound leads') => blueprintYaml(name, { goal }).replace('  labels:\n    team: sales\n', `  labels:\n${labels}`);

  describe('list', () => {
    beforeAll(async () => {
      await create(labelled('l-alpha', '    team: sales\n    tier: gold\n', 'Score mortgage leads'));
      await create(labelled('l-beta', '    team: sales\n    tier: silver\n'));
      await create(labelled('l-gamma', '    team: support\n', 'Answer 100% of tickets_fast'));
      await create(labelled('l-delta', '    team: sales\n'));
      await create(labelled('l-epsilon', '    team: sales\n    tier: gold\n'));
      await archive('l-epsilon');
    });

    it('orders by name and hides archived blueprints unless asked', async () => {
      const all = await list({});
      expect(names(all)).toEqual(['l-alpha', 'l-beta', 'l-delta', 'l-gamma']);
      expect(all.nextCursor).toBe('');
      expect(all.items[0]).toMatchObject({ name: 'l-alpha', latestVersion: 1, labels: { team: 'sales', tier: 'gold' }, author: 'dev@acme.example', valid: true, archivedAt: '' });
      const withArchived = await list({ includeArchived: true });
      expect(names(withArchived)).toEqual(['l-alpha', 'l-beta', 'l-delta', 'l-epsilon', 'l-gamma']);
      expect(withArchived.items[3]!.archivedAt).not.toBe('');
    });

    it('filters by label selector: k=v, k!=v (absent counts as different), k, !k', async () => {
      expect(names(await list({ labelSelector: 'team=sales' }))).toEqual(['l-alpha', 'l-beta', 'l-delta']);
      expect(names(await list({ labelSelector: 'team=sales,tier!=gold' }))).toEqual(['l-beta', 'l-delta']);
      expect(names(await list({ labelSelector: 'tier' }))).toEqual(['l-alpha', 'l-beta']);
      expect(names(await list({ labelSelector: '!tier' }))).toEqual(['l-delta', 'l-gamma']);
      expect(await rejection(list({ labelSelector: 'team in (a)' }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/label_selector' });
    });

    it('searches name, description and goal case-insensitively, wildcards taken literally', async () => {
      expect(names(await list({ query: 'MORTGAGE' }))).toEqual(['l-alpha']);
      expect(names(await list({ query: 'gam' }))).toEqual(['l-gamma']);
      expect(names(await list({ query: '100%' }))).toEqual(['l-gamma']);
      expect(names(await list({ query: '_fast' }))).toEqual(['l-gamma']);
      expect(names(await list({ query: '%' }))).toEqual(['l-gamma']);
    });

    it('pages with an opaque cursor, every item exactly once', async () => {
      const first = await list({ limit: 3, includeArchived: true });
      expect(names(first)).toEqual(['l-alpha', 'l-beta', 'l-delta']);
      expect(first.nextCursor).not.toBe('');
      const second = await list({ limit: 3, includeArchived: true, cursor: first.nextCursor });
      expect(names(second)).toEqual(['l-epsilon', 'l-gamma']);
      expect(second.nextCursor).toBe('');
      expect(await rejection(list({ cursor: 'garbage' }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/cursor' });
      expect(await rejection(list({ limit: 101 }))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/limit' });
    });
  });

  it('lists versions with hash, author, time and validity, and gets each', async () => {
    await create(blueprintYaml('history'));
    await update('history', blueprintYaml('history', { goal: 'second' }), 1, admin);
    const reply = await client.bus.request('af.v1.blueprints.versions.list', { name: 'history' }, opts);
    expect(reply.versions.map((v) => [v.version, v.author, v.valid])).toEqual([
      [1, 'dev@acme.example', true],
      [2, 'admin@acme.example', true],
    ]);
    expect(reply.versions[0]!.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Date(reply.versions[1]!.createdAt).getTime()).toBeGreaterThanOrEqual(new Date(reply.versions[0]!.createdAt).getTime());
    expect(await rejection(client.bus.request('af.v1.blueprints.versions.list', { name: 'nobody' }, opts))).toMatchObject({ code: ErrorCode.NotFound, path: '/name' });
  });

  it('diffs two versions structurally, tools matched by name', async () => {
    await create(blueprintYaml('diffed'));
    const extraTool = '    - name: notify\n      scope: external\n      builtin: email.send\n';
    await update('diffed', blueprintYaml('diffed', { goal: 'Qualify B2B leads', extraTool }));
    const diff = await client.bus.request('af.v1.blueprints.diff', { name: 'diffed', fromVersion: 1, toVersion: 2 }, opts);
    expect(diff).toMatchObject({ name: 'diffed', fromVersion: 1, toVersion: 2 });
    expect(diff.operations.map((o) => ({ op: o.op, path: o.path, from: o.fromJson, to: o.toJson }))).toEqual([
      { op: 'replace', path: '/spec/goal', from: '"Qualify inbound leads"', to: '"Qualify B2B leads"' },
      { op: 'add', path: '/spec/tools/2', from: '', to: '{"builtin":"email.send","name":"notify","scope":"external"}' },
    ]);
    const latest = await client.bus.request('af.v1.blueprints.diff', { name: 'diffed', fromVersion: 2, toVersion: 0 }, opts);
    expect(latest).toMatchObject({ toVersion: 2, operations: [] });
    expect(await rejection(client.bus.request('af.v1.blueprints.diff', { name: 'diffed', fromVersion: 7, toVersion: 0 }, opts))).toMatchObject({ code: ErrorCode.NotFound, path: '/from_version' });
    expect(await rejection(client.bus.request('af.v1.blueprints.diff', { name: 'diffed', fromVersion: 1, toVersion: 9 }, opts))).toMatchObject({ code: ErrorCode.NotFound, path: '/to_version' });
    expect(await rejection(client.bus.request('af.v1.blueprints.diff', { name: 'diffed', fromVersion: 0, toVersion: 0 }, opts))).toMatchObject({ code: ErrorCode.InvalidArgument, path: '/from_version' });
  });

  it('archives: If-Match honoured, idempotent, still readable, name reserved, PUT restores', async () => {
    await create(blueprintYaml('retired'));
    await update('retired', blueprintYaml('retired', { goal: 'v2' }));
    expect(await rejection(archive('retired', 1))).toMatchObject({ code: ErrorCode.Conflict, path: '/expected_version', details: { latestVersion: 2 } });
    const archived = await archive('retired', 2);
    expect(archived).toMatchObject({ name: 'retired', latestVersion: 2, changed: true });
    expect(new Date(archived.archivedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await archive('retired')).toMatchObject({ changed: false, archivedAt: archived.archivedAt });

    const got = await client.bus.request('af.v1.blueprints.get', { name: 'retired', version: 1 }, opts);
    expect(got.blueprint).toMatchObject({ version: 1, archivedAt: archived.archivedAt });
    expect((await client.bus.request('af.v1.blueprints.versions.list', { name: 'retired' }, opts)).archivedAt).toBe(archived.archivedAt);

    const again = await rejection(create(blueprintYaml('retired')));
    expect(again).toMatchObject({ code: ErrorCode.Conflict, path: '/metadata/name' });
    expect(again.message).toMatch(/archived/);

    const restored = await update('retired', blueprintYaml('retired', { goal: 'v3' }), 2);
    expect(restored.blueprint).toMatchObject({ version: 3, archivedAt: '' });
    expect((await client.bus.request('af.v1.blueprints.get', { name: 'retired', version: 0 }, opts)).blueprint?.archivedAt).toBe('');
    expect(await rejection(archive('never-existed'))).toMatchObject({ code: ErrorCode.NotFound, path: '/name' });
  });

  it('announces an archive and a restore on JetStream, once per transition', async () => {
    const ns = processNamespace();
    const lastOn = async (subject: 'af.v1.blueprints.event.archived' | 'af.v1.blueprints.event.restored') => {
      const stored = await client.jsm.streams.getMessage(ns.streamName('AF_EVENTS'), { last_by_subj: ns.subject(subject) });
      return { tenant: stored?.header.get(Headers.tenantId), msgId: stored?.header.get('Nats-Msg-Id'), event: fromBinary(BlueprintArchiveChangedSchema, stored!.data) };
    };
    await create(blueprintYaml('announced'));
    const archived = await archive('announced');
    const onArchive = await lastOn('af.v1.blueprints.event.archived');
    expect(onArchive.tenant).toBe(tenant);
    expect(onArchive.event).toMatchObject({ name: 'announced', archived: true, latestVersion: 1, changedAt: archived.archivedAt, changedBy: developer.subject });
    expect(onArchive.msgId).toBe(`blueprint-archive-changed:${onArchive.event.eventId}`);

    // Archiving again changes nothing and announces nothing.
    expect((await archive('announced')).changed).toBe(false);
    expect((await lastOn('af.v1.blueprints.event.archived')).event.eventId).toBe(onArchive.event.eventId);

    // A PUT of identical content restores without a new version; the restore is announced.
    await update('announced', blueprintYaml('announced'));
    const onRestore = await lastOn('af.v1.blueprints.event.restored');
    expect(onRestore.event).toMatchObject({ name: 'announced', archived: false, latestVersion: 1, changedBy: developer.subject });
    expect(onRestore.event.eventId).not.toBe(onArchive.event.eventId);
  });

  it('validates a stored version for the caller: what an Administrator saved is invalid for a Developer', async () => {
    const source = blueprintYaml('admin-saved', { maxAllowedScope: 'realWorld', extraTool: '    - name: charge\n      scope: realWorld\n      builtin: payment.process\n' });
    await create(source, admin);
    const forDeveloper = await client.bus.request('af.v1.blueprints.validate', { name: 'admin-saved', version: 0, caller: developer }, opts);
    expect(forDeveloper).toMatchObject({ name: 'admin-saved', version: 1, report: { valid: false } });
    expect(forDeveloper.report?.errors.map((e) => [e.tier, e.code, e.path])).toEqual([['policy', 'REAL_WORLD_REQUIRES_ADMINISTRATOR', '/spec/actions/maxAllowedScope']]);
    const forAdmin = await client.bus.request('af.v1.blueprints.validate', { name: 'admin-saved', version: 1, caller: admin }, opts);
    expect(forAdmin.report?.valid).toBe(true);
    // The save validated the same content for the same policy context: the cache answers.
    expect(forAdmin.cached).toBe(true);
    expect(await rejection(client.bus.request('af.v1.blueprints.validate', { name: 'admin-saved', version: 4, caller: admin }, opts))).toMatchObject({ code: ErrorCode.NotFound, path: '/version' });
  });

  it('validates an unsaved source as saving would (defaults applied), stores nothing, and refuses unsafe sources', async () => {
    const source = blueprintYaml('unsaved').replace('{{company}}', '{{compnay}}');
    const reply = await client.bus.request('af.v1.blueprints.source.validate', { source, format: 'yaml', caller: developer }, opts);
    expect(reply).toMatchObject({ name: 'unsaved', version: 0, report: { valid: false } });
    expect(reply.report?.errors.map((e) => e.code)).toEqual(['UNDEFINED_VARIABLE']);
    expect(reply.contentHash).toMatch(/^sha256:/);
    // The normalized document (defaults made explicit) comes back for a draft to be compiled from.
    const document = JSON.parse(reply.documentJson) as { metadata: { name: string }; spec: { industryProfile: string; triggers: unknown[] } };
    expect(document.metadata.name).toBe('unsaved');
    expect(document.spec.industryProfile).toBe('RealEstate');
    expect(document.spec.triggers).toEqual([{ type: 'api' }]);
    expect(await rejection(client.bus.request('af.v1.blueprints.get', { name: 'unsaved', version: 0 }, opts))).toMatchObject({ code: ErrorCode.NotFound });
    const unsafe = client.bus.request('af.v1.blueprints.source.validate', { source: 'a: &x 1\nb: !custom 2\n', format: 'yaml', caller: developer }, opts);
    expect(await rejection(unsafe)).toMatchObject({ code: ErrorCode.InvalidDocument, path: '/b' });
  });
});
