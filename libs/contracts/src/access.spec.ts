import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  consumers,
  eventPublishers,
  eventSubjects,
  inboxPrefixOf,
  jetStreamAccess,
  kvAccess,
  natsPermissionsOf,
  renderNatsAuthorization,
  requestCallers,
  requestSubjects,
  serviceNames,
  signalSubscribers,
  type EventSubject,
  type RequestSubject,
  type ServiceName,
} from './index.js';

const SERVICES_DIR = join(import.meta.dirname, '..', '..', '..', 'services');

/** Production source of a service: tests and test harnesses impersonate other services and are left out. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'test' && name !== 'node_modules' && name !== 'dist') out.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.int-spec.ts') && !name.endsWith('.e2e-spec.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** What one source file does on NATS, by the calls it makes (multi-line calls included). */
function natsUsesOf(source: string) {
  const all = (re: RegExp) => [...source.matchAll(re)].map((m) => m[1] as string);
  // A subject built from a template (`af.v1.escalations.event.${type}`) stands for every subject with that prefix.
  const expand = (prefixes: string[], subjects: readonly string[]) => prefixes.flatMap((p) => subjects.filter((s) => s.startsWith(p)));
  return {
    requests: [...all(/\.request\(\s*'(af\.v1\.[a-z0-9.-]+)'/g), ...expand(all(/\.request\(\s*`(af\.v1\.[a-z0-9.-]*)\$\{/g), Object.keys(requestSubjects))],
    publishes: [
      ...all(/\.(?:publish|emit)\(\s*'(af\.v1\.[a-z0-9.-]+)'/g),
      ...expand(all(/\.(?:publish|emit)\(\s*`(af\.v1\.[a-z0-9.-]*)\$\{/g), Object.keys(eventSubjects)),
    ],
    /** MessageBus calls whose subject is in a variable: every subject literal of the file may be what they send. */
    opaqueRequests: all(/\bbus\.request\(\s*([^'`\s][^,)]*)/g),
    opaquePublishes: all(/\bbus\.(?:publish|emit)\(\s*([^'`\s][^,)]*)/g),
    literals: all(/'(af\.v1\.[a-z0-9.-]+)'/g),
    handles: all(/@(?:OnEvent|EventPattern)(?:<[^>]*>)?\(\s*'(af\.v1\.[a-z0-9.-]+)'/g),
    audits: /\bAuditTrail\b/.test(source),
    kv: all(/kvBuckets\.([A-Za-z]+)/g),
    consumerInfo: /\.consumers\.info\(/.test(source),
    streamMessages: /\.streams\.(?:getMessage|deleteMessage)\(/.test(source),
    maxDeliveries: source.includes('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES'),
  };
}

/** Every NATS use in `source` that the access tables do not grant `service` (empty: none). */
function ungranted(service: ServiceName, file: string, source: string): string[] {
  const uses = natsUsesOf(source);
  const problems: string[] = [];
  for (const [calls, subjects, target] of [
    [uses.opaqueRequests, Object.keys(requestSubjects), uses.requests],
    [uses.opaquePublishes, Object.keys(eventSubjects), uses.publishes],
  ] as const) {
    if (calls.length === 0) continue;
    const candidates = uses.literals.filter((l) => subjects.includes(l));
    if (candidates.length === 0) problems.push(`${file}: bus call with the subject in ${calls.join(', ')} and no subject literal in the file: write the subject out so its grant can be checked`);
    target.push(...candidates);
  }
  for (const s of uses.requests) {
    const callers = (requestCallers as Record<string, readonly string[]>)[s];
    if (!callers?.includes(service)) problems.push(`${file}: requests ${s}, but requestCallers['${s}'] does not list ${service}`);
  }
  for (const s of uses.publishes) {
    const publishers = (eventPublishers as Record<string, readonly string[]>)[s];
    if (!publishers?.includes(service)) problems.push(`${file}: publishes ${s}, but eventPublishers['${s}'] does not list ${service}`);
  }
  for (const s of uses.handles) {
    if (!Object.hasOwn(eventSubjects, s) || eventSubjects[s as EventSubject].stream !== null) continue; // durable: consumers carry owners
    if (!((signalSubscribers as Record<string, readonly string[]>)[s] ?? []).includes(service)) problems.push(`${file}: subscribes to ${s}, but signalSubscribers does not list ${service}`);
  }
  if (uses.audits && !eventPublishers['af.v1.audit.record'].includes(service as never)) problems.push(`${file}: uses AuditTrail, but eventPublishers['af.v1.audit.record'] does not list ${service}`);
  for (const key of uses.kv) {
    const access = (kvAccess as Record<string, { writers: readonly string[]; readers: readonly string[] }>)[key];
    if (!access || ![...access.writers, ...access.readers].includes(service)) problems.push(`${file}: uses KV bucket ${key}, but kvAccess does not list ${service}`);
  }
  if (uses.consumerInfo && !Object.values(jetStreamAccess.consumerObservers).some((o) => o.includes(service))) problems.push(`${file}: reads consumer info, but jetStreamAccess.consumerObservers does not list ${service}`);
  if (uses.streamMessages && !jetStreamAccess.streamMessageEditors.includes(service)) problems.push(`${file}: reads/deletes stream messages, but jetStreamAccess.streamMessageEditors does not list ${service}`);
  if (uses.maxDeliveries && !jetStreamAccess.maxDeliveriesListeners.includes(service)) problems.push(`${file}: listens to max-deliveries advisories, but jetStreamAccess.maxDeliveriesListeners does not list ${service}`);
  return problems;
}

/**
 * Files that use the raw NATS connection, JetStream client or manager (not the MessageBus), each
 * reviewed against the access tables: what they do is granted by the row named. A new raw user
 * fails the scan until it is reviewed and listed here.
 */
const RAW_NATS_USERS: Record<string, string> = {
  'deployment/src/deployments/active-deployment.repository.ts': 'kvAccess.activeDeployments (writer)',
  'orchestrator/src/runs/active-deployment.repository.ts': 'kvAccess.activeDeployments (reader)',
  'orchestrator/src/dead-letters/run-stream.repository.ts': 'jetStreamAccess.streamMessageEditors',
  'orchestrator/src/dead-letters/max-deliveries.listener.ts': 'jetStreamAccess.maxDeliveriesListeners',
  'pool-manager/src/pool/queue-depth.repository.ts': 'jetStreamAccess.consumerObservers',
  'worker/src/warm/active-deployment-watch.repository.ts': 'kvAccess.activeDeployments (watcher)',
  'triggers/src/triggers/active-deployment.repository.ts': 'kvAccess.activeDeployments (reader)',
  'triggers/src/triggers/external-events.consumer.ts': 'jetStreamAccess.serviceStreams (AF_EXT, its own stream and consumer)',
};

describe('NATS access tables (access.ts)', () => {
  it("grant every NATS call a service's source makes (scan of services/*/src): the tables cannot drift from the code", () => {
    const problems: string[] = [];
    let requests = 0;
    for (const service of serviceNames) {
      const dir = join(SERVICES_DIR, service, 'src');
      for (const file of sourceFiles(dir)) {
        const source = readFileSync(file, 'utf8');
        requests += natsUsesOf(source).requests.length;
        const path = relative(SERVICES_DIR, file).split(sep).join('/');
        problems.push(...ungranted(service, path, source));
        if (/\b(?:NATS_CONNECTION|JETSTREAM_MANAGER|JETSTREAM_CLIENT|KvBuckets)\b/.test(source) && !RAW_NATS_USERS[path]) {
          problems.push(`${path}: uses the raw NATS connection / JetStream / KV: review what it does against the access tables and list it in RAW_NATS_USERS`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The scan saw the code (a path or pattern gone wrong would find nothing and pass).
    expect(requests).toBeGreaterThan(30);
  });

  it('the scan finds a request, publish, audit and KV use the tables do not grant (it can fail)', () => {
    const source = `
      await this.bus.request(
        'af.v1.blueprints.create', {});
      await this.bus.publish('af.v1.deployments.event.activated', {}, { msgId });
      constructor(private readonly audit: AuditTrail) {}
      const kv = await this.buckets.get(kvBuckets.activeDeployments);
      @OnEvent('af.v1.health.heartbeat')`;
    expect(ungranted('worker', 'x.ts', source)).toEqual([
      "x.ts: requests af.v1.blueprints.create, but requestCallers['af.v1.blueprints.create'] does not list worker",
      "x.ts: publishes af.v1.deployments.event.activated, but eventPublishers['af.v1.deployments.event.activated'] does not list worker",
      'x.ts: subscribes to af.v1.health.heartbeat, but signalSubscribers does not list worker',
    ]);
    expect(ungranted('compilation', 'w.ts', 'const kv = await this.buckets.get(kvBuckets.activeDeployments);')).toEqual(['w.ts: uses KV bucket activeDeployments, but kvAccess does not list compilation']);
    expect(ungranted('gateway', 'y.ts', "this.bus.request('af.v1.runs.steps.begin', step)")).toHaveLength(1);
    // Templates stand for every subject they can produce; a subject in a variable cannot be checked.
    expect(ungranted('worker', 'z.ts', 'await this.bus.publish(`af.v1.escalations.event.${type}`, e)')).toHaveLength(3);
    expect(ungranted('governance', 'z.ts', 'await this.bus.publish(`af.v1.escalations.event.${type}`, e)')).toEqual([]);
    expect(ungranted('gateway', 'v.ts', 'await this.bus.request(subject, payload)')).toEqual([
      'v.ts: bus call with the subject in subject and no subject literal in the file: write the subject out so its grant can be checked',
    ]);
    // A subject in a variable: every subject literal of the file counts.
    const chosen = "const subject = archived ? 'af.v1.blueprints.event.archived' : 'af.v1.blueprints.event.restored'; await this.bus.publish(subject, e)";
    expect(ungranted('blueprints', 'w.ts', chosen)).toEqual([]);
    expect(ungranted('worker', 'w.ts', chosen)).toHaveLength(2);
  });

  it('never lists a service as caller of a subject it owns (the owner serves it)', () => {
    for (const [subject, callers] of Object.entries(requestCallers) as [RequestSubject, readonly ServiceName[]][]) {
      expect({ subject, owner: callers.includes(requestSubjects[subject].owner) }).toEqual({ subject, owner: false });
    }
  });
});

describe(natsPermissionsOf.name, () => {
  it('lets the worker call the journal and receive its replies on its own inbox, and nothing of blueprints or deployments', () => {
    const sut = natsPermissionsOf('worker');
    expect(sut.publish).toEqual(expect.arrayContaining(['af.v1.runs.steps.begin', 'af.v1.runs.steps.complete', 'af.v1.runs.park', 'af.v1.escalations.open', 'af.v1.compilation.artifact.get']));
    expect(sut.publish).toEqual(expect.arrayContaining(['af.v1.runs.event.started', 'af.v1.health.heartbeat', 'af.v1.deadletters.record']));
    expect(sut.publish).not.toContain('af.v1.blueprints.create');
    expect(sut.publish).not.toContain('af.v1.deployments.event.activated');
    expect(sut.publish).not.toContain('af.v1.runs.execute');
    // Its own queue-group requests (warm an artifact, run evals) and its replies.
    expect(sut.subscribe).toEqual(['_INBOX_worker.>', 'af.v1.workers.artifacts.warm', 'af.v1.workers.evals.run']);
    expect(sut.allowResponses).toBe(true);
    // Its consumer only: pull and acknowledge worker-runs, not the orchestrator's.
    expect(sut.publish).toContain('$JS.API.CONSUMER.MSG.NEXT.AF_RUNS.worker-runs');
    expect(sut.publish).toContain('$JS.ACK.AF_RUNS.worker-runs.>');
    expect(sut.publish.filter((s) => s.includes('orchestrator-'))).toEqual([]);
    // No wildcard reaches beyond its own names.
    expect(sut.publish.filter((s) => s.endsWith('>') && !s.includes('worker-runs') && !s.includes('KV_af_active_deployments'))).toEqual([]);
  });

  it('lets an owner serve its request subjects and reply (allow_responses) without publishing on them', () => {
    const sut = natsPermissionsOf('blueprints');
    expect(sut.subscribe).toEqual(expect.arrayContaining(['af.v1.blueprints.create', 'af.v1.blueprints.get', '_INBOX_blueprints.>']));
    expect(sut.publish).not.toContain('af.v1.blueprints.create');
    expect(sut.allowResponses).toBe(true);
  });

  it('gives KV writes to the deployment service and KV reads to the orchestrator', () => {
    expect(natsPermissionsOf('deployment').publish).toContain('$KV.af_active_deployments.>');
    expect(natsPermissionsOf('orchestrator').publish).not.toContain('$KV.af_active_deployments.>');
    expect(natsPermissionsOf('orchestrator').publish).toContain('$JS.API.DIRECT.GET.KV_af_active_deployments.>');
    expect(natsPermissionsOf('gateway').publish.filter((s) => s.includes('DIRECT.GET'))).toEqual([]);
  });

  it('lets the worker watch the active-deployments bucket (an ordered consumer on KV_<bucket>), and no other service', () => {
    const watch = ['$JS.API.CONSUMER.CREATE.KV_af_active_deployments', '$JS.API.CONSUMER.CREATE.KV_af_active_deployments.>', '$JS.API.CONSUMER.INFO.KV_af_active_deployments.*', '$JS.API.CONSUMER.DELETE.KV_af_active_deployments.*', '$JS.FC.KV_af_active_deployments.>'];
    expect(natsPermissionsOf('worker').publish).toEqual(expect.arrayContaining(watch));
    expect(serviceNames.filter((s) => natsPermissionsOf(s).publish.includes(watch[0]!))).toEqual(['worker']);
    expect(natsPermissionsOf('orchestrator').publish.filter((s) => s.includes('CONSUMER') && s.includes('KV_'))).toEqual([]);
  });

  it('prefixes subjects, streams, buckets and the inbox with the namespace', () => {
    const sut = natsPermissionsOf('worker', { namespace: 'tabc' });
    expect(sut.publish).toContain('tabc.af.v1.runs.steps.begin');
    expect(sut.publish).toContain('$JS.ACK.tabc_AF_RUNS.worker-runs.>');
    expect(sut.publish).toContain('$JS.API.STREAM.INFO.KV_tabc_af_active_deployments');
    expect(sut.subscribe).toEqual([`${inboxPrefixOf('worker', 'tabc')}.>`, 'tabc.af.v1.workers.artifacts.warm', 'tabc.af.v1.workers.evals.run']);
    expect(sut.publish.every((s) => s.includes('tabc'))).toBe(false); // $JS.API.INFO is account-wide
    expect(sut.publish.filter((s) => s.startsWith('af.'))).toEqual([]);
  });

  it('grants each consumer to its owner only', () => {
    for (const c of Object.values(consumers)) {
      const next = `$JS.API.CONSUMER.MSG.NEXT.${c.stream}.${c.durable}`;
      expect(serviceNames.filter((s) => natsPermissionsOf(s).publish.includes(next))).toEqual([c.owner]);
    }
  });
});

describe(renderNatsAuthorization.name, () => {
  it('writes nkey users with their permissions and unrestricted operator users', () => {
    const conf = renderNatsAuthorization([
      { name: 'worker', nkey: 'UWORKER', permissions: { publish: ['a.b', '$JS.API.INFO'], subscribe: ['_INBOX_worker.>'], allowResponses: false } },
      { name: 'admin', nkey: 'UADMIN', permissions: null },
    ]);
    expect(conf).toContain('nkey: "UWORKER"');
    expect(conf).toContain('"$JS.API.INFO"');
    expect(conf).not.toContain('allow_responses');
    expect(conf.split('permissions:').length).toBe(2);
  });
});
