import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { streams, kvBuckets } from '@af/contracts';
import { loadConfig } from '@af/config';
import { connectNats } from './nats.module.js';
import { configuredReplicas, ensureKvBucket, ensureStream } from './provision.js';
import { processNamespace } from './namespace.js';
import { natsConfigSpec } from './nats.config.js';

const url = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
/** The cluster node config docker-compose.yml mounts: this test starts its three nodes from it. */
const CLUSTER_CONF = resolve(import.meta.dirname, '../../../deploy/nats/cluster.conf');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** Three nats-server processes from deploy/nats/cluster.conf, on free ports of their own (never the machine's server). */
async function startCluster(): Promise<{ urls: string[]; stop: () => Promise<void> }> {
  const nodes = await Promise.all([1, 2, 3].map(async (i) => ({ name: `af-test-nats-${i}`, port: await freePort(), cluster: await freePort(), http: await freePort(), dir: mkdtempSync(join(tmpdir(), `af-nats-cluster-${i}-`)) })));
  const routes = nodes.map((n) => `nats://127.0.0.1:${n.cluster}`).join(',');
  const children: ChildProcess[] = nodes.map((n) =>
    // Flags override the file's listen addresses and routes (docker's host names); the rest is the file's.
    spawn('nats-server', ['-c', CLUSTER_CONF, '-a', '127.0.0.1', '-p', String(n.port), '-m', String(n.http), '--cluster', `nats://127.0.0.1:${n.cluster}`, '--routes', routes], {
      env: { ...process.env, NATS_SERVER_NAME: n.name, NATS_STORE_DIR: n.dir },
      stdio: 'ignore',
    }),
  );
  return {
    urls: nodes.map((n) => `nats://127.0.0.1:${n.port}`),
    stop: async () => {
      await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => (c.once('exit', r), c.kill('SIGKILL'))))));
      for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
    },
  };
}

async function until<T>(what: string, attempt: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('NATS_STREAM_REPLICAS', () => {
  it('defaults to 1 and is bounded 1..5, named in the boot error', () => {
    expect(loadConfig(natsConfigSpec, {}).streamReplicas).toBe(1);
    expect(loadConfig(natsConfigSpec, { NATS_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
    for (const bad of ['0', '6', 'three', '-1']) expect(() => loadConfig(natsConfigSpec, { NATS_STREAM_REPLICAS: bad })).toThrow(/NATS_STREAM_REPLICAS/);
    expect(configuredReplicas()).toBe(Number(process.env['NATS_STREAM_REPLICAS'] ?? 1));
  });

  describe('on the machine\'s single JetStream server', () => {
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    beforeAll(async () => {
      nc = await connectNats({ url, service: 'orchestrator', instanceId: randomUUID() });
      jsm = await jetstreamManager(nc);
    });
    afterAll(async () => {
      await nc?.drain();
    });

    it('refuses more than one replica with an error naming NATS_STREAM_REPLICAS, and leaves the stream as it was', async () => {
      const def = { ...processNamespace().stream(streams.AF_DLQ), name: processNamespace().streamName(`R${randomUUID().slice(0, 8)}`), subjects: [`${processNamespace().value || 'af-test'}.${randomUUID()}.dlq`] } as unknown as typeof streams.AF_DLQ;
      try {
        await expect(ensureStream(jsm, def, 2)).rejects.toThrow(/NATS_STREAM_REPLICAS=2 needs a JetStream cluster of at least 2 servers/);
        expect(await ensureStream(jsm, def, 1)).toBe('created');
        await expect(ensureStream(jsm, def, 3)).rejects.toThrow(/single JetStream server.*NATS_STREAM_REPLICAS=3/);
        expect((await jsm.streams.info(def.name)).config.num_replicas).toBe(1);
      } finally {
        await jsm.streams.delete(def.name).catch(() => undefined);
      }
    });
  });

  describe('on a three-node cluster started from deploy/nats/cluster.conf', () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    let nc: NatsConnection;
    let jsm: JetStreamManager;

    beforeAll(async () => {
      cluster = await startCluster();
      nc = await until('cluster nodes accept connections', () => connectNats({ url: cluster.urls[0] ?? '', service: 'orchestrator', instanceId: randomUUID() }));
      // JetStream answers once the three nodes have elected a meta leader.
      jsm = await until('JetStream meta leader elected', () => jetstreamManager(nc, { timeout: 2_000 }));
    }, 60_000);

    afterAll(async () => {
      await nc?.close();
      await cluster?.stop();
    });

    it('creates streams with the configured replicas and scales an existing stream in place (an UPDATE, its messages kept)', async () => {
      const def = streams.AF_EVENTS;
      expect(await until('stream created', () => ensureStream(jsm, def, 1))).toBe('created');
      const js = (await import('@nats-io/jetstream')).jetstream(nc);
      await js.publish('af.v1.runs.event.started', new Uint8Array([1]));
      expect(await ensureStream(jsm, def, 3)).toBe('updated');
      const info = await until('three replicas current', async () => {
        const i = await jsm.streams.info(def.name);
        if ((i.cluster?.replicas ?? []).filter((r) => r.current).length !== 2) throw new Error(`replicas ${JSON.stringify(i.cluster)}`);
        return i;
      });
      expect(info.config.num_replicas).toBe(3);
      expect(info.state.messages).toBe(1);
      expect(await ensureStream(jsm, def, 3)).toBe('unchanged');
      expect(await ensureStream(jsm, streams.AF_RUNS, 3)).toBe('created');
      expect((await jsm.streams.info(streams.AF_RUNS.name)).config.num_replicas).toBe(3);
    }, 60_000);

    it('creates a KV bucket with the configured replicas and scales an existing one', async () => {
      const def = kvBuckets.activeDeployments;
      const kv = await ensureKvBucket(nc, def, 1);
      await kv.put('t.a', new Uint8Array([7]));
      expect((await kv.status()).replicas).toBe(1);
      const scaled = await ensureKvBucket(nc, def, 3);
      expect((await scaled.status()).replicas).toBe(3);
      expect((await scaled.get('t.a'))?.value).toEqual(new Uint8Array([7]));
    }, 60_000);
  });
});
