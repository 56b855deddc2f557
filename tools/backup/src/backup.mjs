// `npm run backup -- --out <dir>`: a snapshot of what the mesh cannot rebuild — every service's
// PostgreSQL schema, the JetStream KV registry, the contract streams' configs and the unacked work
// of AF_RUNS, and the Neo4j graph. Layout of <dir> (manifest.json lists counts and checksums):
//   postgres.dump              pg_dump --format=custom of all service schemas, ONE transaction
//   nats/streams.json          stream configs (+ their consumers' configs, for the record)
//   nats/kv/<bucket>.jsonl     latest value of every key (base64), with its revision
//   nats/messages/<stream>.jsonl  the messages still in a work-queue stream (= not yet acked)
//   neo4j/nodes.jsonl, neo4j/relationships.jsonl  typed properties (see graph-values.mjs)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import neo4j from 'neo4j-driver';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { encodeValue, mapProperties } from './graph-values.mjs';
import { BUCKETS, MESSAGE_STREAMS, STREAMS, UsageError, streamName, stripSubject } from './options.mjs';

const run = promisify(execFile);
export const FORMAT_VERSION = 1;

/** @typedef {ReturnType<typeof import('./options.mjs').backupOptions>} BackupOptions */

/** @param {BackupOptions} options @param {(line: string) => void} [log] */
export async function backup(options, log = () => undefined) {
  const out = options.out;
  if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`${out} is not empty: a backup goes into a new directory`);
  mkdirSync(join(out, 'nats', 'kv'), { recursive: true });
  mkdirSync(join(out, 'nats', 'messages'), { recursive: true });
  const startedAt = new Date().toISOString();

  const schemas = await existingSchemas(options.databaseUrl, options.schemas);
  log(`postgres: ${schemas.join(', ') || '(no service schema found)'}`);
  if (schemas.length > 0) {
    // One pg_dump for all schemas: one snapshot transaction, so the schemas agree with each other.
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-acl', ...schemas.map((s) => `--schema=${s}`), `--file=${join(out, 'postgres.dump')}`, `--dbname=${options.databaseUrl}`], { maxBuffer: 16 * 1024 * 1024 });
  }
  const rows = await rowCounts(options.databaseUrl, schemas);

  const nats = await backupNats(options, out);
  log(`nats: ${nats.streams.length} streams, ${Object.values(nats.kv).reduce((a, b) => a + b, 0)} KV keys, ${Object.values(nats.messages).reduce((a, b) => a + b, 0)} messages`);
  const graph = options.neo4j ? await backupGraph(options.neo4j, options.tenants, out) : undefined;
  if (graph) log(`neo4j: ${graph.nodes} nodes, ${graph.relationships} relationships`);

  const manifest = {
    format: FORMAT_VERSION,
    startedAt,
    finishedAt: new Date().toISOString(),
    namespace: options.namespace,
    postgres: { schemas, rows },
    nats,
    neo4j: graph ? { ...graph, tenants: options.tenants } : null,
    files: checksums(out),
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** @param {string} url @param {string[]} wanted */
async function existingSchemas(url, wanted) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY nspname', [wanted]);
    return rows.map((r) => /** @type {string} */ (r.nspname));
  } finally {
    await client.end();
  }
}

/** Rows per table (what restore checks it got back). @param {string} url @param {string[]} schemas */
export async function rowCounts(url, schemas) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1::text[]) ORDER BY 1, 2`, [schemas]);
    /** @type {Record<string, number>} */
    const counts = {};
    for (const t of tables) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${client.escapeIdentifier(t.table_schema)}.${client.escapeIdentifier(t.table_name)}`);
      counts[`${t.table_schema}.${t.table_name}`] = rows[0].n;
    }
    return counts;
  } finally {
    await client.end();
  }
}

/** @param {BackupOptions} options @param {string} out */
async function backupNats(options, out) {
  const nc = await connect({ servers: options.natsUrl, name: 'af-backup' });
  try {
    const jsm = await jetstreamManager(nc);
    const ns = options.namespace;
    const streams = [];
    /** @type {Record<string, number>} */
    const messages = {};
    for (const name of STREAMS) {
      const info = await jsm.streams.info(streamName(ns, name)).catch(() => undefined);
      if (!info) continue;
      const consumers = [];
      for await (const c of jsm.consumers.list(info.config.name)) consumers.push(c.config);
      streams.push({ name, config: { ...info.config, subjects: (info.config.subjects ?? []).map((s) => stripSubject(ns, s)) }, consumers, state: { messages: info.state.messages, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq } });
      if (MESSAGE_STREAMS.includes(name)) messages[name] = await backupMessages(jsm, info, ns, options.maxMessages, join(out, 'nats', 'messages', `${name}.jsonl`));
    }
    writeFileSync(join(out, 'nats', 'streams.json'), JSON.stringify(streams, null, 2) + '\n');

    /** @type {Record<string, number>} */
    const kv = {};
    const kvm = new Kvm(nc);
    for (const bucket of BUCKETS) {
      const exists = await jsm.streams.info(`KV_${streamName(ns, bucket)}`).then(() => true, () => false);
      if (!exists) continue;
      const store = await kvm.open(streamName(ns, bucket));
      const lines = [];
      const keys = [];
      for await (const key of await store.keys()) keys.push(key);
      for (const key of keys.sort()) {
        const entry = await store.get(key);
        if (!entry || entry.operation !== 'PUT') continue;
        lines.push(JSON.stringify({ key, value: Buffer.from(entry.value).toString('base64'), revision: entry.revision, created: entry.created.toISOString() }));
      }
      writeFileSync(join(out, 'nats', 'kv', `${bucket}.jsonl`), lines.map((l) => l + '\n').join(''));
      kv[bucket] = lines.length;
    }
    return { streams: streams.map((s) => s.name), kv, messages };
  } finally {
    await nc.close();
  }
}

/**
 * Every message still stored in a work-queue stream, read by sequence (a direct read: no consumer
 * is created, nothing is acked or redelivered). Bounded by maxMessages.
 * @param {import('@nats-io/jetstream').JetStreamManager} jsm
 * @param {import('@nats-io/jetstream').StreamInfo} info
 * @param {string} ns @param {number} max @param {string} file
 */
async function backupMessages(jsm, info, ns, max, file) {
  if (info.state.messages > max) throw new UsageError(`${info.config.name} holds ${info.state.messages} messages, more than --max-messages ${max}`);
  const stream = createWriteStream(file);
  let count = 0;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(info.config.name, { seq }).catch((/** @type {Error} */ e) => {
      if (/no message found|not found/i.test(e.message)) return null; // acked (work queue) or deleted since
      throw e;
    });
    if (!msg) continue;
    /** @type {Record<string, string[]>} */
    const headers = {};
    if (msg.header) for (const k of msg.header.keys()) headers[k] = msg.header.values(k);
    const line = JSON.stringify({ seq: msg.seq, subject: stripSubject(ns, msg.subject), time: msg.time.toISOString(), headers, data: Buffer.from(msg.data).toString('base64') });
    if (!stream.write(line + '\n')) await new Promise((r) => stream.once('drain', () => r(undefined)));
    count++;
  }
  await new Promise((done, fail) => stream.end((/** @type {Error | undefined} */ e) => (e ? fail(e) : done(undefined))));
  return count;
}

/**
 * Nodes and relationships with their labels/type and typed properties, streamed to JSON lines.
 * @param {{ url: string; user: string; password: string; database: string }} options
 * @param {string[]} tenants  only these tenants' nodes (and relationships between them); all when empty
 * @param {string} out
 */
async function backupGraph(options, tenants, out) {
  const driver = neo4j.driver(options.url, options.user ? neo4j.auth.basic(options.user, options.password) : undefined, { connectionTimeout: 5_000 });
  const session = driver.session({ database: options.database, defaultAccessMode: neo4j.session.READ });
  const scoped = tenants.length > 0;
  try {
    // One read transaction: nodes and relationships from the same snapshot.
    return await session.executeRead(async (tx) => {
      const nodes = await writeLines(
        join(out, 'neo4j', 'nodes.jsonl'),
        tx.run(`MATCH (n) ${scoped ? 'WHERE n.tenant IN $tenants' : ''} RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props`, { tenants }),
        (r) => ({ id: r.get('id'), labels: r.get('labels'), props: mapProperties(r.get('props'), encodeValue) }),
      );
      const relationships = await writeLines(
        join(out, 'neo4j', 'relationships.jsonl'),
        tx.run(`MATCH (a)-[r]->(b) ${scoped ? 'WHERE a.tenant IN $tenants AND b.tenant IN $tenants' : ''} RETURN elementId(r) AS id, type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS props`, { tenants }),
        (r) => ({ id: r.get('id'), type: r.get('type'), start: r.get('start'), end: r.get('end'), props: mapProperties(r.get('props'), encodeValue) }),
      );
      return { nodes, relationships };
    });
  } finally {
    await session.close();
    await driver.close();
  }
}

/**
 * @param {string} file
 * @param {import('neo4j-driver').Result} result
 * @param {(r: import('neo4j-driver').Record) => unknown} map
 */
async function writeLines(file, result, map) {
  mkdirSync(join(file, '..'), { recursive: true });
  const stream = createWriteStream(file);
  let count = 0;
  for await (const record of result) {
    if (!stream.write(JSON.stringify(map(record)) + '\n')) await new Promise((r) => stream.once('drain', () => r(undefined)));
    count++;
  }
  await new Promise((done, fail) => stream.end((/** @type {Error | undefined} */ e) => (e ? fail(e) : done(undefined))));
  return count;
}

/** sha256 of every file of the backup (restore refuses a backup whose files do not match). @param {string} dir */
export function checksums(dir, prefix = '') {
  /** @type {Record<string, string>} */
  const sums = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(sums, checksums(dir, rel));
    else if (rel !== 'manifest.json') sums[rel] = createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
  }
  return sums;
}
