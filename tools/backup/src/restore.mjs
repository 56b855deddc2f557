// `npm run restore -- --in <dir> --namespace <ns> --database-url <url>`: a backup of backup.mjs
// into a fresh place. PostgreSQL: the service schemas keep their names (the services' schema names
// are fixed), so they go into a database of their own — created when absent, refused when it
// already holds one of the schemas. NATS: streams and the KV bucket are created under <ns> (subjects
// re-prefixed) and the work-queue messages republished with their Nats-Msg-Id (a second restore within
// the duplicate window stores nothing twice). Neo4j: nodes and relationships recreated with their
// labels, types and typed properties; the backup's tenants must have no node there yet
// (--replace-graph deletes theirs first) — Neo4j community has one database, the constraints are global.
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import neo4j from 'neo4j-driver';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { FORMAT_VERSION, checksums, rowCounts } from './backup.mjs';
import { cypherName, decodeValue, mapProperties } from './graph-values.mjs';
import { UsageError, nsSubject, streamName } from './options.mjs';

const run = promisify(execFile);
const BATCH = 500;

/** @typedef {ReturnType<typeof import('./options.mjs').restoreOptions>} RestoreOptions */

/** @param {RestoreOptions} options @param {(line: string) => void} [log] */
export async function restore(options, log = () => undefined) {
  const manifest = readManifest(options.in);
  await restorePostgres(options, manifest);
  log(`postgres: ${manifest.postgres.schemas.join(', ') || '(none)'} restored`);
  const nats = await restoreNats(options, manifest);
  log(`nats: ${nats.streams} streams, ${nats.kv} KV keys, ${nats.messages} messages under namespace "${options.namespace}"`);
  if (options.neo4j && manifest.neo4j) {
    const graph = await restoreGraph(options.neo4j, options.in, options.replaceGraph);
    log(`neo4j: ${graph.nodes} nodes, ${graph.relationships} relationships`);
  }
  return manifest;
}

/** The manifest, after checking the format and every file's checksum. @param {string} dir */
export function readManifest(dir) {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) throw new UsageError(`${file} not found: not a backup directory`);
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.format !== FORMAT_VERSION) throw new UsageError(`backup format ${manifest.format} is not ${FORMAT_VERSION}`);
  const actual = checksums(dir);
  for (const [name, sum] of Object.entries(/** @type {Record<string, string>} */ (manifest.files))) {
    if (actual[name] !== sum) throw new UsageError(`backup file ${name} is ${actual[name] ? 'corrupt (checksum differs)' : 'missing'}`);
  }
  return manifest;
}

/** @param {RestoreOptions} options @param {any} manifest */
async function restorePostgres(options, manifest) {
  /** @type {string[]} */
  const schemas = manifest.postgres.schemas;
  if (schemas.length === 0) return;
  const target = new URL(options.databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(database)) throw new UsageError(`invalid target database name "${database.slice(0, 64)}"`);
  const admin = new URL(options.databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])', [schemas]);
    if (rows.length > 0) throw new UsageError(`database ${database} already has schema(s) ${rows.map((r) => r.nspname).join(', ')}: restore into a fresh database`);
  } finally {
    await db.end();
  }
  await run('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', `--dbname=${options.databaseUrl}`, join(options.in, 'postgres.dump')], { maxBuffer: 16 * 1024 * 1024 });
  const counts = await rowCounts(options.databaseUrl, schemas);
  for (const [table, n] of Object.entries(/** @type {Record<string, number>} */ (manifest.postgres.rows))) {
    if (counts[table] !== n) throw new Error(`restored ${table} has ${counts[table]} rows, the backup ${n}`);
  }
}

/** @param {RestoreOptions} options @param {any} manifest */
async function restoreNats(options, manifest) {
  const ns = options.namespace;
  const nc = await connect({ servers: options.natsUrl, name: 'af-restore' });
  let messages = 0;
  let kvKeys = 0;
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const streams = JSON.parse(readFileSync(join(options.in, 'nats', 'streams.json'), 'utf8'));
    for (const { name, config } of streams) {
      const target = streamName(ns, name);
      const exists = await jsm.streams.info(target).then(() => true, () => false);
      if (!exists) {
        // sealed and the server's own _nats.* metadata are the server's to set, not a new stream's.
        const { metadata, ...rest } = config;
        delete rest.sealed;
        const kept = Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => !k.startsWith('_nats')));
        await jsm.streams.add({ ...rest, name: target, subjects: config.subjects.map((/** @type {string} */ s) => nsSubject(ns, s)), ...(Object.keys(kept).length ? { metadata: kept } : {}) });
      }
    }
    for (const name of Object.keys(manifest.nats.messages)) {
      for await (const m of lines(join(options.in, 'nats', 'messages', `${name}.jsonl`))) {
        const h = natsHeaders();
        for (const [k, values] of Object.entries(/** @type {Record<string, string[]>} */ (m.headers))) {
          if (k.startsWith('Nats-Expected')) continue;
          for (const v of values) h.append(k, v);
        }
        await js.publish(nsSubject(ns, m.subject), Buffer.from(m.data, 'base64'), { headers: h });
        messages++;
      }
    }
    const kvm = new Kvm(nc);
    for (const bucket of Object.keys(manifest.nats.kv)) {
      // The contract's bucket settings (libs/contracts/src/streams.ts kvBuckets).
      const store = await kvm.create(streamName(ns, bucket), { history: 20, storage: 'file' });
      for await (const e of lines(join(options.in, 'nats', 'kv', `${bucket}.jsonl`))) {
        await store.put(e.key, Buffer.from(e.value, 'base64'));
        kvKeys++;
      }
    }
    return { streams: streams.length, kv: kvKeys, messages };
  } finally {
    await nc.close();
  }
}

/**
 * @param {{ url: string; user: string; password: string; database: string }} options
 * @param {string} dir @param {boolean} replace
 */
async function restoreGraph(options, dir, replace) {
  const driver = neo4j.driver(options.url, options.user ? neo4j.auth.basic(options.user, options.password) : undefined, { connectionTimeout: 5_000 });
  const q = (/** @type {string} */ cypher, params = {}) => driver.executeQuery(cypher, params, { database: options.database });
  try {
    /** @type {Set<string>} */
    const tenants = new Set();
    for await (const n of lines(join(dir, 'neo4j', 'nodes.jsonl'))) if (typeof n.props.tenant === 'string') tenants.add(n.props.tenant);
    const existing = (await q('MATCH (n) WHERE n.tenant IN $tenants RETURN count(n) AS n', { tenants: [...tenants] })).records[0]?.get('n').toNumber() ?? 0;
    if (existing > 0) {
      if (!replace) throw new UsageError(`Neo4j already holds ${existing} nodes of the backup's ${tenants.size} tenant(s): restore into an empty graph, or pass --replace-graph to delete them first`);
      await q('MATCH (n) WHERE n.tenant IN $tenants DETACH DELETE n', { tenants: [...tenants] });
    }
    // A temporary label + index to find each restored node by its backup id while linking.
    await q('CREATE INDEX af_restore_id IF NOT EXISTS FOR (n:__AfRestore) ON (n.__afBackupId)');
    await q('CALL db.awaitIndexes(30)');
    let nodes = 0;
    /** @type {Map<string, any[]>} */
    let groups = new Map();
    const flushNodes = async () => {
      for (const [labels, rows] of groups) {
        const labelList = JSON.parse(labels).map(cypherName).map((/** @type {string} */ l) => `:${l}`).join('');
        await q(`UNWIND $rows AS row CREATE (n:__AfRestore${labelList}) SET n = row.props, n.__afBackupId = row.id`, { rows });
      }
      groups = new Map();
    };
    let pending = 0;
    for await (const n of lines(join(dir, 'neo4j', 'nodes.jsonl'))) {
      const key = JSON.stringify([...n.labels].sort());
      groups.set(key, [...(groups.get(key) ?? []), { id: n.id, props: mapProperties(n.props, decodeValue) }]);
      nodes++;
      if (++pending >= BATCH) {
        await flushNodes();
        pending = 0;
      }
    }
    await flushNodes();
    let relationships = 0;
    /** @type {Map<string, any[]>} */
    let byType = new Map();
    const flushRels = async () => {
      for (const [type, rows] of byType) {
        await q(`UNWIND $rows AS row MATCH (a:__AfRestore {__afBackupId: row.start}) MATCH (b:__AfRestore {__afBackupId: row.end}) CREATE (a)-[r:${cypherName(type)}]->(b) SET r = row.props`, { rows });
      }
      byType = new Map();
    };
    pending = 0;
    for await (const r of lines(join(dir, 'neo4j', 'relationships.jsonl'))) {
      byType.set(r.type, [...(byType.get(r.type) ?? []), { start: r.start, end: r.end, props: mapProperties(r.props, decodeValue) }]);
      relationships++;
      if (++pending >= BATCH) {
        await flushRels();
        pending = 0;
      }
    }
    await flushRels();
    const linked = (await q('MATCH (:__AfRestore)-[r]->(:__AfRestore) RETURN count(r) AS n')).records[0]?.get('n').toNumber();
    if (linked !== relationships) throw new Error(`restored ${linked} of ${relationships} relationships (a backup of a subgraph links only nodes inside it)`);
    // CALL … IN TRANSACTIONS needs an auto-commit transaction (session.run), not a managed one.
    const session = driver.session({ database: options.database });
    try {
      await session.run('MATCH (n:__AfRestore) CALL (n) { REMOVE n:__AfRestore REMOVE n.__afBackupId } IN TRANSACTIONS OF 1000 ROWS');
    } finally {
      await session.close();
    }
    await q('DROP INDEX af_restore_id IF EXISTS');
    return { nodes, relationships };
  } finally {
    await driver.close();
  }
}

/** JSON lines of a file, one parsed object at a time (a missing file: none). @param {string} file */
async function* lines(file) {
  if (!existsSync(file)) return;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line.trim()) yield JSON.parse(line);
}
