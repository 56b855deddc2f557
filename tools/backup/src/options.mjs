// Command-line options of `npm run backup` / `npm run restore`, checked before anything is touched.
import { parseArgs } from 'node:util';

/** The PostgreSQL schema of each service (services/<svc>/src/persistence/data-source.ts). */
export const SERVICE_SCHEMAS = ['audit', 'blueprints', 'compilation', 'deployment', 'gateway', 'governance', 'memory', 'metering', 'orchestrator', 'secrets', 'triggers', 'webhooks'];
/** The contract streams (libs/contracts/src/streams.ts): configs always, messages of the work queue only. */
export const STREAMS = ['AF_RUNS', 'AF_EVENTS', 'AF_DLQ', 'AF_AUDIT'];
export const MESSAGE_STREAMS = ['AF_RUNS'];
/** The JetStream KV buckets (libs/contracts/src/streams.ts kvBuckets). */
export const BUCKETS = ['af_active_deployments'];

const NAMESPACE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const TENANT = /^[A-Za-z0-9_.@+-]{1,128}$/;

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/** @param {string} ns */
export function checkNamespace(ns) {
  if (ns !== '' && !NAMESPACE.test(ns)) throw new UsageError(`invalid namespace "${ns.slice(0, 64)}": expected ${NAMESPACE} (or empty: production)`);
  return ns;
}

/** @param {string | undefined} url @param {string} what */
function checkUrl(url, what) {
  if (!url) throw new UsageError(`${what} is required`);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`${what} is not a URL`);
  }
  return url;
}

/** @param {string} value @param {number} max @param {string} what */
function positive(value, max, what) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${what} must be an integer in 1..${max}`);
  return n;
}

const common = {
  namespace: { type: /** @type {const} */ ('string') },
  'database-url': { type: /** @type {const} */ ('string') },
  'nats-url': { type: /** @type {const} */ ('string') },
  'neo4j-url': { type: /** @type {const} */ ('string') },
  'neo4j-database': { type: /** @type {const} */ ('string') },
  'skip-neo4j': { type: /** @type {const} */ ('boolean') },
};

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
export function backupOptions(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: { ...common, out: { type: 'string' }, schema: { type: 'string', multiple: true }, tenant: { type: 'string', multiple: true }, 'max-messages': { type: 'string' } },
    strict: true,
  });
  if (!values.out) throw new UsageError('--out <dir> is required');
  const schemas = values.schema ?? SERVICE_SCHEMAS;
  for (const s of schemas) if (!SCHEMA.test(s)) throw new UsageError(`invalid schema name "${s.slice(0, 64)}"`);
  const tenants = values.tenant ?? [];
  for (const t of tenants) if (!TENANT.test(t)) throw new UsageError(`invalid tenant id "${t.slice(0, 64)}"`);
  return {
    out: values.out,
    namespace: checkNamespace(values.namespace ?? env['AF_NAMESPACE'] ?? ''),
    databaseUrl: checkUrl(values['database-url'] ?? env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres', '--database-url (or DATABASE_URL)'),
    natsUrl: checkUrl(values['nats-url'] ?? env['NATS_URL'] ?? 'nats://127.0.0.1:4222', '--nats-url (or NATS_URL)'),
    neo4j: values['skip-neo4j'] ? undefined : neo4jOf(values, env),
    schemas,
    /** Graph export limited to these tenants' nodes (all nodes when empty). */
    tenants,
    maxMessages: positive(values['max-messages'] ?? '100000', 10_000_000, '--max-messages'),
  };
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
export function restoreOptions(argv, env) {
  const { values } = parseArgs({ args: argv, options: { ...common, in: { type: 'string' }, 'replace-graph': { type: 'boolean' } }, strict: true });
  if (!values.in) throw new UsageError('--in <dir> is required');
  if (values.namespace === undefined) throw new UsageError('--namespace <ns> is required (the namespace to restore into; "" for production)');
  return {
    in: values.in,
    namespace: checkNamespace(values.namespace),
    databaseUrl: checkUrl(values['database-url'] ?? env['DATABASE_URL'], '--database-url (or DATABASE_URL): the database to restore into'),
    natsUrl: checkUrl(values['nats-url'] ?? env['NATS_URL'] ?? 'nats://127.0.0.1:4222', '--nats-url (or NATS_URL)'),
    neo4j: values['skip-neo4j'] ? undefined : neo4jOf(values, env),
    replaceGraph: values['replace-graph'] ?? false,
  };
}

/** @param {Record<string, unknown>} values @param {NodeJS.ProcessEnv} env */
function neo4jOf(values, env) {
  return {
    url: checkUrl(/** @type {string | undefined} */ (values['neo4j-url']) ?? env['NEO4J_URL'] ?? 'bolt://127.0.0.1:7687', '--neo4j-url (or NEO4J_URL)'),
    user: env['NEO4J_USER'] ?? '',
    password: env['NEO4J_PASSWORD'] ?? '',
    database: /** @type {string | undefined} */ (values['neo4j-database']) ?? env['NEO4J_DATABASE'] ?? 'neo4j',
  };
}

/** `<ns>_NAME` / `NAME` (libs/messaging Namespace). @param {string} ns @param {string} name */
export const streamName = (ns, name) => (ns ? `${ns}_${name}` : name);
/** @param {string} ns @param {string} subject */
export const nsSubject = (ns, subject) => (ns ? `${ns}.${subject}` : subject);
/** The contract subject of a namespaced one. @param {string} ns @param {string} subject */
export const stripSubject = (ns, subject) => (ns && subject.startsWith(`${ns}.`) ? subject.slice(ns.length + 1) : subject);
