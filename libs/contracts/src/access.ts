import { consumers, kvBuckets, retiredConsumers, streams, type ConsumerName } from './streams.js';
import { eventSubjects, requestSubjects, suffixedSignals, type EventSubject, type RequestSubject } from './subjects.js';
import { serviceNames, type ServiceName } from './services.js';

/*
 * Who may say what on NATS. The subject map says who OWNS each request subject and consumer; the
 * tables below add who CALLS, PUBLISHES and READS, so each service's NATS permissions are derived
 * from the contracts (natsPermissionsOf) and the nats-server authorization config is generated from
 * them (scripts/nats-auth.mjs). A unit test scans the services' source so the tables cannot drift:
 * a service that requests or publishes a subject its row does not list fails the build.
 */

/** The services that send each request subject (its owner serves it and needs no row here). */
export const requestCallers = {
  'af.v1.blueprints.create': ['gateway'],
  'af.v1.blueprints.update': ['gateway'],
  'af.v1.blueprints.get': ['gateway', 'orchestrator', 'deployment', 'compilation'],
  'af.v1.blueprints.list': ['gateway'],
  'af.v1.blueprints.versions.list': ['gateway'],
  'af.v1.blueprints.diff': ['gateway'],
  'af.v1.blueprints.archive': ['gateway'],
  'af.v1.blueprints.validate': ['gateway'],
  'af.v1.blueprints.source.validate': ['gateway', 'deployment'],
  'af.v1.validation.validate': ['blueprints', 'deployment'],
  'af.v1.validation.schema.get': ['gateway'],
  'af.v1.compilation.compile': ['deployment'],
  'af.v1.compilation.artifact.get': ['worker', 'deployment', 'triggers'],
  'af.v1.compilation.blueprint.compile': ['gateway'],
  'af.v1.compilation.artifact.describe': ['gateway'],
  'af.v1.deployments.create': ['gateway'],
  'af.v1.deployments.get': ['gateway'],
  'af.v1.deployments.list': ['gateway'],
  'af.v1.runs.submit': ['gateway', 'triggers'],
  'af.v1.runs.get': ['gateway', 'memory'],
  'af.v1.runs.list': ['gateway'],
  'af.v1.runs.transitions.list': ['gateway'],
  'af.v1.runs.cancel': ['gateway'],
  'af.v1.runs.steps.begin': ['worker'],
  'af.v1.runs.steps.complete': ['worker'],
  'af.v1.runs.park': ['worker'],
  'af.v1.deadletters.list': ['gateway'],
  'af.v1.deadletters.retry': ['gateway'],
  'af.v1.health.status': ['gateway'],
  'af.v1.memory.episodes.list': ['gateway', 'worker'],
  // People through the gateway; agents' runs and tool bridges through the worker.
  'af.v1.memory.store': ['gateway', 'worker'],
  'af.v1.memory.get': ['gateway', 'worker'],
  'af.v1.memory.search': ['gateway', 'worker'],
  'af.v1.memory.graph': ['gateway', 'worker'],
  'af.v1.memory.subjects.forget': ['gateway'],
  'af.v1.memory.working.get': ['gateway', 'worker'],
  'af.v1.memory.working.put': ['gateway', 'worker'],
  // A call that needs approval (worker) and a realWorld deploy by a ProductManager (deployment).
  'af.v1.escalations.open': ['worker', 'deployment'],
  'af.v1.escalations.get': ['gateway'],
  'af.v1.escalations.list': ['gateway'],
  'af.v1.escalations.decide': ['gateway'],
  'af.v1.audit.list': ['gateway'],
  'af.v1.audit.verify': ['gateway'],
  // Before and after each model call (worker); budgets and usage for people (gateway).
  'af.v1.budgets.reserve': ['worker'],
  'af.v1.budgets.settle': ['worker'],
  'af.v1.budgets.put': ['gateway'],
  'af.v1.budgets.delete': ['gateway'],
  'af.v1.budgets.list': ['gateway'],
  'af.v1.usage.query': ['gateway'],
  'af.v1.secrets.put': ['gateway', 'webhooks'],
  'af.v1.secrets.get': ['gateway'],
  'af.v1.secrets.delete': ['gateway', 'webhooks'],
  'af.v1.secrets.list': ['gateway'],
  // Values leave the secrets service only to the worker, which injects them into outgoing calls.
  'af.v1.secrets.resolve': ['worker', 'webhooks', 'triggers'],
  'af.v1.deployments.promote': ['gateway'],
  'af.v1.deployments.rollback': ['gateway'],
  'af.v1.deployments.agent.get': ['gateway'],
  'af.v1.deployments.evals.run': ['gateway'],
  'af.v1.deployments.evals.draft': ['gateway'],
  'af.v1.workers.evals.run': ['deployment'],
  'af.v1.workers.artifacts.warm': ['deployment'],
  'af.v1.health.agents.stats': ['deployment', 'gateway'],
  'af.v1.health.overview': ['gateway'],
  'af.v1.runs.versions.inflight': ['deployment'],
  'af.v1.webhooks.create': ['gateway'],
  'af.v1.webhooks.get': ['gateway'],
  'af.v1.webhooks.delete': ['gateway'],
  'af.v1.webhooks.list': ['gateway'],
  'af.v1.webhooks.deliveries.list': ['gateway'],
  'af.v1.triggers.list': ['gateway'],
  'af.v1.triggers.hook': ['gateway'],
} as const satisfies { readonly [S in RequestSubject]: readonly ServiceName[] };

/**
 * The services that publish each event subject. `af.v1.deadletters.record` is also published by
 * every owner of a durable consumer (JetStreamServer dead-letters a message its handler gave up on):
 * natsPermissionsOf adds them. `af.v1.audit.record`: the services that record through AuditTrail.
 */
export const eventPublishers = {
  'af.v1.runs.execute': ['orchestrator'],
  'af.v1.runs.event.started': ['worker'],
  'af.v1.runs.event.succeeded': ['worker'],
  'af.v1.runs.event.failed': ['worker'],
  'af.v1.runs.event.cancelled': ['orchestrator'],
  'af.v1.deadletters.record': ['orchestrator'],
  'af.v1.deployments.event.activated': ['deployment'],
  'af.v1.deployments.event.changed': ['deployment'],
  'af.v1.health.event.unhealthy': ['health'],
  'af.v1.blueprints.event.versioned': ['blueprints'],
  'af.v1.blueprints.event.archived': ['blueprints'],
  'af.v1.blueprints.event.restored': ['blueprints'],
  'af.v1.escalations.event.opened': ['governance'],
  'af.v1.escalations.event.escalated': ['governance'],
  'af.v1.escalations.event.decided': ['governance'],
  'af.v1.audit.record': ['gateway', 'blueprints', 'deployment', 'orchestrator', 'worker', 'governance', 'audit', 'metering', 'secrets', 'webhooks', 'triggers', 'memory'],
  'af.v1.health.heartbeat': serviceNames,
  'af.v1.runs.tokens': ['worker'],
} as const satisfies { readonly [S in EventSubject]: readonly ServiceName[] };

/** Core NATS signals (events without a stream): who subscribes to them. */
export const signalSubscribers = {
  'af.v1.health.heartbeat': ['health'],
  'af.v1.runs.tokens': ['gateway'],
} as const satisfies { readonly [S in EventSubject as (typeof eventSubjects)[S]['stream'] extends null ? S : never]: readonly ServiceName[] };

/** KV buckets: who writes (puts, CAS updates, deletes), who only reads, and who watches (a reader that also follows changes). */
export const kvAccess = {
  // Workers watch it to warm a new version's artifact before runs reach them.
  activeDeployments: { writers: ['deployment'], readers: ['orchestrator', 'worker', 'triggers'], watchers: ['worker'] },
} as const satisfies { readonly [K in keyof typeof kvBuckets]: KvAccess };

interface KvAccess {
  writers: readonly ServiceName[];
  readers: readonly ServiceName[];
  /** Watch the bucket (nats.js `kv.watch`): an ordered push consumer on KV_<bucket>, delivered to the watcher's own inbox. */
  watchers?: readonly ServiceName[];
}

/** JetStream rights beyond publishing to streams and consuming one's own consumers. */
export const jetStreamAccess = {
  /** Read a consumer's info (num_pending, num_ack_pending): the pool manager scales workers on worker-runs. */
  consumerObservers: { 'worker-runs': ['pool-manager'] } as { readonly [C in ConsumerName]?: readonly ServiceName[] },
  /** Read and delete single stored messages by sequence (dead-letter retry, reconciler). */
  streamMessageEditors: ['orchestrator'] as readonly ServiceName[],
  /** Listen to `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.*` (dead letters of messages never handled). */
  maxDeliveriesListeners: ['orchestrator'] as readonly ServiceName[],
  /**
   * Streams a service defines and alone consumes, outside `streams` (their subjects are a wildcard
   * namespace, not contract subjects): AF_EXT (`af.v1.ext.>`, tenants' external events) and its
   * durable consumer, owned by the triggers service. Publishers are tenants' systems with
   * credentials limited to `af.v1.ext.<tenant>.>` (services/triggers/README.md).
   */
  serviceStreams: { triggers: [{ stream: 'AF_EXT', durable: 'triggers-ext-events' }] } as { readonly [S in ServiceName]?: readonly { stream: string; durable: string }[] },
};

/** A service's NATS permissions, as nats-server's `permissions` block has them. */
export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
  /** May reply to requests it received (it owns request subjects): nats-server's `allow_responses`. */
  allowResponses: boolean;
}

export interface NatsAccessOptions {
  /** AF_NAMESPACE of the processes the permissions are for ('' in production). */
  namespace?: string;
}

/**
 * The reply-subject prefix of a service's connections (nats.js `inboxPrefix`). Per service, so a
 * service may subscribe only to its own replies, never read another's (`_INBOX.>` would allow it).
 */
export function inboxPrefixOf(service: ServiceName, namespace = ''): string {
  return `_INBOX_${namespace ? `${namespace}_` : ''}${service}`;
}

const JS_API = '$JS.API';

/** Everything one service may publish and subscribe to on NATS, derived from the contracts and the tables above. */
export function natsPermissionsOf(service: ServiceName, options: NatsAccessOptions = {}): NatsPermissions {
  const ns = options.namespace ?? '';
  const subject = (s: string) => (ns ? `${ns}.${s}` : s);
  const stream = (name: string) => (ns ? `${ns}_${name}` : name);
  const publish = new Set<string>();
  const subscribe = new Set<string>();

  // Requests: the owner serves (queue group), callers send; replies come back on the caller's inbox.
  let ownsRequests = false;
  for (const [s, def] of Object.entries(requestSubjects) as [RequestSubject, (typeof requestSubjects)[RequestSubject]][]) {
    if (def.owner === service) {
      subscribe.add(subject(s));
      ownsRequests = true;
    }
    if ((requestCallers[s] as readonly ServiceName[]).includes(service)) publish.add(subject(s));
  }
  subscribe.add(`${inboxPrefixOf(service, ns)}.>`);

  // Events: publishers publish (a JetStream publish is a request: its ack comes to the inbox).
  const ownedConsumers = Object.values(consumers).filter((c) => c.owner === service);
  for (const [s, publishers] of Object.entries(eventPublishers) as [EventSubject, readonly ServiceName[]][]) {
    if (publishers.includes(service)) publish.add(subject(s));
  }
  if (ownedConsumers.length > 0) publish.add(subject('af.v1.deadletters.record'));
  for (const [s, subscribers] of Object.entries(signalSubscribers) as [EventSubject, readonly ServiceName[]][]) {
    if (subscribers.includes(service)) subscribe.add(subject(s));
  }
  // Suffixed signals travel on `<subject>.<suffix>`: the rights cover every suffix.
  for (const s of suffixedSignals) {
    for (const set of [publish, subscribe]) if (set.delete(subject(s))) set.add(subject(`${s}.*`));
  }

  // JetStream: every service provisions every stream and bucket at boot (idempotent) and checks the account in readiness.
  publish.add(`${JS_API}.INFO`);
  const provisioned = [...Object.values(streams).map((d) => stream(d.name)), ...Object.values(kvBuckets).map((b) => `KV_${stream(b.bucket)}`)];
  for (const name of provisioned) for (const op of ['INFO', 'CREATE', 'UPDATE']) publish.add(`${JS_API}.STREAM.${op}.${name}`);

  // Its own durable consumers: provision, pull, acknowledge (ack, nak, term, in-progress).
  for (const c of ownedConsumers) {
    const s = stream(c.stream);
    for (const api of ['INFO', 'CREATE', 'DURABLE.CREATE', 'MSG.NEXT']) publish.add(`${JS_API}.CONSUMER.${api}.${s}.${c.durable}`);
    publish.add(`${JS_API}.CONSUMER.CREATE.${s}.${c.durable}.>`);
    publish.add(`$JS.ACK.${s}.${c.durable}.>`);
  }
  for (const c of retiredConsumers.filter((r) => r.owner === service)) publish.add(`${JS_API}.CONSUMER.DELETE.${stream(c.stream)}.${c.durable}`);
  for (const [name, observers] of Object.entries(jetStreamAccess.consumerObservers) as [ConsumerName, readonly ServiceName[]][]) {
    if (observers.includes(service)) publish.add(`${JS_API}.CONSUMER.INFO.${stream(consumers[name].stream)}.${consumers[name].durable}`);
  }
  if (jetStreamAccess.streamMessageEditors.includes(service)) {
    for (const d of Object.values(streams)) for (const op of ['MSG.GET', 'MSG.DELETE']) publish.add(`${JS_API}.STREAM.${op}.${stream(d.name)}`);
  }
  for (const own of jetStreamAccess.serviceStreams[service] ?? []) {
    const s = stream(own.stream);
    for (const op of ['INFO', 'CREATE', 'UPDATE']) publish.add(`${JS_API}.STREAM.${op}.${s}`);
    for (const api of ['INFO', 'CREATE', 'DURABLE.CREATE', 'MSG.NEXT']) publish.add(`${JS_API}.CONSUMER.${api}.${s}.${own.durable}`);
    publish.add(`${JS_API}.CONSUMER.CREATE.${s}.${own.durable}.>`);
    publish.add(`$JS.ACK.${s}.${own.durable}.>`);
  }
  if (jetStreamAccess.maxDeliveriesListeners.includes(service)) {
    for (const d of Object.values(streams)) subscribe.add(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream(d.name)}.*`);
  }

  // KV: readers get (direct get, or stream message get); writers also put, update and delete (a publish on $KV.<bucket>.<key>).
  for (const [key, access] of Object.entries(kvAccess) as [keyof typeof kvBuckets, KvAccess][]) {
    const bucket = stream(kvBuckets[key].bucket);
    const writer = access.writers.includes(service);
    const watcher = access.watchers?.includes(service) ?? false;
    if (!writer && !watcher && !access.readers.includes(service)) continue;
    publish.add(`${JS_API}.DIRECT.GET.KV_${bucket}`);
    publish.add(`${JS_API}.DIRECT.GET.KV_${bucket}.>`);
    publish.add(`${JS_API}.STREAM.MSG.GET.KV_${bucket}`);
    if (writer) publish.add(`$KV.${bucket}.>`);
    if (watcher) {
      // kv.watch: create an ephemeral ordered consumer (named, with its filter subject on servers ≥ 2.9, or unnamed),
      // read its info (pending count), delete it when recreated or stopped, and answer flow control. Its
      // deliver subject is under the watcher's own inbox prefix (nats.js watcherPrefix = inboxPrefix).
      publish.add(`${JS_API}.CONSUMER.CREATE.KV_${bucket}`);
      publish.add(`${JS_API}.CONSUMER.CREATE.KV_${bucket}.>`);
      publish.add(`${JS_API}.CONSUMER.INFO.KV_${bucket}.*`);
      publish.add(`${JS_API}.CONSUMER.DELETE.KV_${bucket}.*`);
      publish.add(`$JS.FC.KV_${bucket}.>`);
    }
  }

  return { publish: [...publish].sort(), subscribe: [...subscribe].sort(), allowResponses: ownsRequests };
}

/** One user of the generated authorization block: an nkey (public key) or a user name with a bcrypt hash. */
export type NatsUser = { name: string; permissions: NatsPermissions | null } & ({ nkey: string } | { user: string; passwordBcrypt: string });

/**
 * The nats-server configuration (2.9+) that admits exactly these users: an `authorization { users }`
 * block to include from nats-server.conf. `permissions: null` is an unrestricted user (operators).
 */
export function renderNatsAuthorization(users: readonly NatsUser[], tls?: { certFile: string; keyFile: string; caFile?: string }): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (items: readonly string[]) => `[\n${items.map((i) => `          ${q(i)}`).join(',\n')}\n        ]`;
  const lines: string[] = ['# Generated by scripts/nats-auth.mjs from @af/contracts (access.ts). Do not edit: regenerate.'];
  if (tls) {
    lines.push('tls {', `  cert_file: ${q(tls.certFile)}`, `  key_file: ${q(tls.keyFile)}`);
    if (tls.caFile) lines.push(`  ca_file: ${q(tls.caFile)}`, '  verify: true');
    lines.push('  timeout: 5', '}');
  }
  lines.push('authorization {', '  users: [');
  for (const u of users) {
    lines.push(`    # ${u.name}`, '    {');
    if ('nkey' in u) lines.push(`      nkey: ${q(u.nkey)}`);
    else lines.push(`      user: ${q(u.user)}`, `      password: ${q(u.passwordBcrypt)}`);
    if (u.permissions) {
      lines.push('      permissions: {');
      lines.push(`        publish: { allow: ${list(u.permissions.publish)} }`);
      lines.push(`        subscribe: { allow: ${list(u.permissions.subscribe)} }`);
      if (u.permissions.allowResponses) lines.push('        allow_responses: true');
      lines.push('      }');
    }
    lines.push('    }');
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}
