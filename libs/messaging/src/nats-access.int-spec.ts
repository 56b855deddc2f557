import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { nkeys, PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { consumers, inboxPrefixOf, kvBuckets, natsPermissionsOf, renderNatsAuthorization, serviceNames, streams, type NatsUser, type ServiceName } from '@af/contracts';
import { MetricsRegistry, createLogger } from '@af/observability';
import { ConfigError } from '@af/config';
import { NatsConnectionMonitor, connectNats, provisionFor } from './nats.module.js';
import { processNamespace } from './namespace.js';
import type { NatsAuthConfig } from './nats-auth.js';

/*
 * The test's own nats-server (never the machine's :4222) with the authorization config generated
 * from @af/contracts for this run's namespace: every service connects with its own nkey and may
 * do what its row allows, and nothing else.
 */

const ns = processNamespace();
const dir = mkdtempSync(join(tmpdir(), 'af-nats-access-'));
const seeds = new Map<ServiceName | 'admin' | 'stranger', string>();
let server: ChildProcess;
let url: string;
const open: NatsConnection[] = [];
/** Permission violations the server reported to each service's connection. */
const violations = new Map<NatsConnection, PermissionViolationError[]>();

function seedFile(name: ServiceName | 'admin' | 'stranger'): { file: string; publicKey: string } {
  const kp = nkeys.createUser();
  const file = join(dir, `${name}.nk`);
  writeFileSync(file, new TextDecoder().decode(kp.getSeed()), { mode: 0o600 });
  seeds.set(name, file);
  return { file, publicKey: kp.getPublicKey() };
}

function auth(name: ServiceName | 'admin' | 'stranger'): NatsAuthConfig {
  return { nkeySeedFile: seeds.get(name) ?? '', credsFile: '', user: '', password: '', tlsCaFile: '', tlsCertFile: '', tlsKeyFile: '' };
}

async function as(service: ServiceName, name: ServiceName | 'admin' = service): Promise<NatsConnection> {
  const nc = await connectNats({ url, service, instanceId: `access-${name}`, auth: auth(name) });
  open.push(nc);
  const seen: PermissionViolationError[] = [];
  violations.set(nc, seen);
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error' && s.error instanceof PermissionViolationError) seen.push(s.error);
  })();
  return nc;
}

const subject = (s: string) => ns.subject(s);

beforeAll(async () => {
  const users: NatsUser[] = serviceNames.map((service) => ({ name: service, nkey: seedFile(service).publicKey, permissions: natsPermissionsOf(service, { namespace: ns.value }) }));
  users.push({ name: 'admin', nkey: seedFile('admin').publicKey, permissions: null });
  seedFile('stranger'); // a valid nkey the server does not know
  writeFileSync(join(dir, 'auth.conf'), renderNatsAuthorization(users));
  const port = await freePort();
  writeFileSync(join(dir, 'server.conf'), `listen: "127.0.0.1:${port}"\njetstream { store_dir: ${JSON.stringify(join(dir, 'js'))} }\ninclude ./auth.conf\n`);
  server = spawn('nats-server', ['-c', join(dir, 'server.conf')], { stdio: 'ignore' });
  url = `nats://127.0.0.1:${port}`;
  await until(() => reachable(port), 10_000, 'own nats-server to start');
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGKILL');
  await exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('NATS with per-service credentials generated from the contracts', () => {
  it('refuses a client without credentials and one whose key the server does not know', async () => {
    await expect(connectNats({ url, service: 'worker', instanceId: 'anon', auth: { ...auth('admin'), nkeySeedFile: '' } })).rejects.toThrow(/refused the credentials/);
    await expect(connectNats({ url, service: 'worker', instanceId: 'stranger', auth: auth('stranger') })).rejects.toThrow(/refused the credentials/);
  });

  it('refuses bad credential settings at boot, listing every problem', async () => {
    const bad = { ...auth('worker'), user: 'worker', tlsCertFile: '/nonexistent/cert.pem' };
    const error = await connectNats({ url, service: 'worker', instanceId: 'bad', auth: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.env)).toEqual(['NATS_NKEY_SEED_FILE, NATS_USER', 'NATS_USER', 'NATS_TLS_CERT, NATS_TLS_KEY', 'NATS_TLS_CERT']);
  });

  it('provisions streams, buckets and its own consumers as each service with its own credentials', async () => {
    for (const service of serviceNames) {
      const nc = await as(service);
      await expect(provisionFor(nc, { service })).resolves.toBeDefined();
      await nc.flush();
      expect({ service, violations: violations.get(nc)?.map((v) => `${v.operation} ${v.subject}`) }).toEqual({ service, violations: [] });
    }
    const admin = await jetstreamManager(await as('health', 'admin'));
    for (const def of Object.values(consumers)) {
      await expect(admin.consumers.info(ns.streamName(def.stream), def.durable)).resolves.toMatchObject({ name: def.durable });
    }
  });

  it('lets the worker call the journal: the orchestrator serves af.v1.runs.steps.begin and the reply reaches the worker on its own inbox', async () => {
    const orchestrator = await as('orchestrator');
    const worker = await as('worker');
    orchestrator.subscribe(subject('af.v1.runs.steps.begin'), { queue: 'af.orchestrator', callback: (_err, msg) => void msg.respond(new TextEncoder().encode(`begun:${new TextDecoder().decode(msg.data)}`)) });
    await orchestrator.flush();
    const reply = await worker.request(subject('af.v1.runs.steps.begin'), new TextEncoder().encode('step-1'), { timeout: 2_000 });
    expect(new TextDecoder().decode(reply.data)).toBe('begun:step-1');
    expect(reply.subject.startsWith(`${inboxPrefixOf('worker', ns.value)}.`)).toBe(true);
    expect(violations.get(worker)).toEqual([]);
    expect(violations.get(orchestrator)).toEqual([]);
  });

  it("refuses the worker's request on af.v1.blueprints.create, and logs the violation clearly", async () => {
    const lines: { msg: string; permissionViolation?: { operation: string; subject: string } }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    const blueprints = await as('blueprints');
    let served = 0;
    blueprints.subscribe(subject('af.v1.blueprints.create'), { queue: 'af.blueprints', callback: (_err, msg) => {
        served++;
        msg.respond(new Uint8Array());
      },
    });
    await blueprints.flush();
    const worker = await as('worker');
    new NatsConnectionMonitor(worker, { service: 'worker', url, requestTimeoutMs: 1_000, instanceId: 'w' }, createLogger('worker', 'info', sink), new MetricsRegistry('worker'));

    const error = await worker.request(subject('af.v1.blueprints.create'), new Uint8Array(), { timeout: 2_000 }).catch((e: unknown) => e);
    // nats.js rejects the request with the server's violation as the cause.
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(PermissionViolationError);
    expect(cause).toMatchObject({ operation: 'publish', subject: subject('af.v1.blueprints.create') });
    expect(served).toBe(0);
    await until(() => lines.some((l) => l.permissionViolation), 2_000, 'the violation logged');
    expect(lines.find((l) => l.permissionViolation)).toMatchObject({
      msg: `NATS permissions violation: worker may not publish on ${subject('af.v1.blueprints.create')}`,
      permissionViolation: { operation: 'publish', subject: subject('af.v1.blueprints.create') },
    });
  });

  it('refuses the worker publishing af.v1.deployments.event.activated: JetStream never stores it', async () => {
    const worker = await as('worker');
    const js = jetstream(worker);
    await expect(js.publish(subject('af.v1.deployments.event.activated'), new Uint8Array([1]), { msgID: 'forged-activation' })).rejects.toThrow(/permissions violation/i);
    worker.publish(subject('af.v1.deployments.event.activated'), new Uint8Array([2])); // fire and forget: dropped by the server
    await worker.flush();
    await until(() => (violations.get(worker) ?? []).length >= 2, 2_000, 'both publishes refused');
    const admin = await jetstreamManager(await as('health', 'admin'));
    const info = await admin.streams.info(ns.streamName(streams.AF_EVENTS.name), { subjects_filter: subject('af.v1.deployments.event.activated') });
    expect(info.state.subjects ?? {}).toEqual({});
    // The deployment service may publish it.
    const deployment = jetstream(await as('deployment'));
    await expect(deployment.publish(subject('af.v1.deployments.event.activated'), new Uint8Array([3]), { msgID: 'real-activation' })).resolves.toMatchObject({ duplicate: false });
  });

  it("refuses subscriptions to another service's subjects and replies; a message sent there never reaches the intruder", async () => {
    const worker = await as('worker');
    const received: string[] = [];
    const forbidden = [subject('af.v1.blueprints.create'), `${inboxPrefixOf('gateway', ns.value)}.>`, subject('af.v1.health.heartbeat')];
    const errors: Error[] = [];
    for (const s of forbidden) worker.subscribe(s, { callback: (err, msg) => void (err ? errors.push(err) : received.push(msg.subject)) });
    await worker.flush();
    await until(() => errors.length === forbidden.length, 2_000, 'every subscription refused');
    expect(errors.every((e) => e instanceof PermissionViolationError && e.operation === 'subscription')).toBe(true);
    const gateway = await as('gateway');
    gateway.publish(subject('af.v1.health.heartbeat'), new Uint8Array());
    await gateway.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it('lets the worker pull and acknowledge worker-runs, and not the orchestrator’s consumer', async () => {
    const orchestrator = jetstream(await as('orchestrator'));
    await orchestrator.publish(subject('af.v1.runs.execute'), new TextEncoder().encode('run-1'), { msgID: 'run-1' });
    const worker = await as('worker');
    const runs = await jetstream(worker).consumers.get(ns.streamName('AF_RUNS'), 'worker-runs');
    const batch = await runs.fetch({ max_messages: 1, expires: 2_000 });
    const got: string[] = [];
    for await (const m of batch) {
      m.working();
      got.push(new TextDecoder().decode(m.data));
      await m.ackAck();
    }
    expect(got).toEqual(['run-1']);
    await expect(jetstream(worker).consumers.get(ns.streamName('AF_EVENTS'), 'orchestrator-run-events')).rejects.toThrow(/permissions violation/i);
    const pool = await jetstreamManager(await as('pool-manager'));
    await expect(pool.consumers.info(ns.streamName('AF_RUNS'), 'worker-runs')).resolves.toMatchObject({ num_ack_pending: 0, num_pending: 0 });
  });

  it('lets the deployment service write the active-deployments bucket and the orchestrator only read it', async () => {
    const bucket = ns.bucket(kvBuckets.activeDeployments).bucket;
    const writer = await new Kvm(await as('deployment')).open(bucket);
    await writer.put('t1.agent', new TextEncoder().encode('v1'));
    const reader = await new Kvm(await as('orchestrator')).open(bucket);
    expect(new TextDecoder().decode((await reader.get('t1.agent'))?.value)).toBe('v1');
    await expect(reader.put('t1.agent', new TextEncoder().encode('forged'))).rejects.toThrow(/permissions violation/i);
    expect(new TextDecoder().decode((await writer.get('t1.agent'))?.value)).toBe('v1');
  });
});

describe('NATS over mutual TLS with the generated tls block', () => {
  const tlsDir = mkdtempSync(join(tmpdir(), 'af-nats-tls-'));
  let tlsServer: ChildProcess;
  let tlsUrl: string;
  const file = (name: string) => join(tlsDir, name);

  beforeAll(async () => {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tlsDir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=af-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
    for (const [name, ext] of [
      ['server', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      ['client', 'extendedKeyUsage=clientAuth'],
    ] as const) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=af-${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      writeFileSync(file(`${name}.ext`), `${ext}\n`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    }
    const worker = nkeys.createUser();
    writeFileSync(file('worker.nk'), new TextDecoder().decode(worker.getSeed()), { mode: 0o600 });
    const conf = renderNatsAuthorization([{ name: 'worker', nkey: worker.getPublicKey(), permissions: natsPermissionsOf('worker', { namespace: ns.value }) }], {
      certFile: file('server.pem'),
      keyFile: file('server.key'),
      caFile: file('ca.pem'),
    });
    writeFileSync(file('auth.conf'), conf);
    const port = await freePort();
    writeFileSync(file('server.conf'), `listen: "127.0.0.1:${port}"\ninclude ./auth.conf\n`);
    tlsServer = spawn('nats-server', ['-c', file('server.conf')], { stdio: 'ignore' });
    tlsUrl = `tls://127.0.0.1:${port}`;
    await until(() => reachable(port), 10_000, 'own TLS nats-server to start');
  });

  afterAll(async () => {
    const exited = new Promise((r) => tlsServer.once('exit', r));
    tlsServer.kill('SIGKILL');
    await exited;
    rmSync(tlsDir, { recursive: true, force: true });
  });

  const tlsAuth = (overrides: Partial<NatsAuthConfig>): NatsAuthConfig => ({
    nkeySeedFile: file('worker.nk'),
    credsFile: '',
    user: '',
    password: '',
    tlsCaFile: file('ca.pem'),
    tlsCertFile: file('client.pem'),
    tlsKeyFile: file('client.key'),
    ...overrides,
  });

  it('connects with the CA, a client certificate and the nkey; refuses a client without a certificate', async () => {
    const nc = await connectNats({ url: tlsUrl, service: 'worker', instanceId: 'tls', auth: tlsAuth({}) });
    open.push(nc);
    expect(nc.info?.tls_required).toBe(true);
    await expect(nc.request(ns.subject('af.v1.runs.steps.begin'), new Uint8Array(), { timeout: 1_000 })).rejects.toThrow(/no responders/);
    // The server verifies client certificates: without one the handshake is cut and the connect times out (5 s).
    await expect(connectNats({ url: tlsUrl, service: 'worker', instanceId: 'no-cert', auth: tlsAuth({ tlsCertFile: '', tlsKeyFile: '' }) })).rejects.toThrow(/cannot connect/);
  }, 20_000);
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
