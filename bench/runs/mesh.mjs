// The Agent Factory side of bench:runs: the mesh's processes (CPU and RSS from /proc), and a
// client of the gateway that submits runs and notices when they are finished.
import { readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'dead_lettered']);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// ---------------------------------------------------------------- /proc
function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in milliseconds (undefined when it is gone). */
export function cpuMs(pid) {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, utime 14, stime 15 → indexes 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLK_TCK;
}

/** VmRSS in bytes (undefined when the process is gone). */
export function rssBytes(pid) {
  const status = readProc(pid, 'status');
  const m = status && /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) * 1_024 : undefined;
}

function allProcesses() {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, 'stat');
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    out.push({ pid: Number(entry), comm, ppid });
  }
  return out;
}

/** The mesh's service processes from .state/pids (the pool manager's extra workers under "worker (pool)"). */
export function serviceProcesses(root) {
  const dir = join(root, '.state/pids');
  const services = [];
  if (!existsSync(dir)) return services;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.pid'))) {
    const name = file.slice(0, -4);
    if (name === 'nats-auth') continue;
    const pid = Number(readFileSync(join(dir, file), 'utf8').trim());
    if (pid > 0 && readProc(pid, 'stat')) services.push({ name, pid });
  }
  const pool = services.find((s) => s.name === 'pool-manager');
  if (pool) for (const p of allProcesses().filter((p) => p.ppid === pool.pid)) services.push({ name: 'worker (pool)', pid: p.pid });
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

/** Local TCP ports of the sockets a process holds (its client ends of connections). */
function localPorts(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set();
  for (const table of ['tcp', 'tcp6']) {
    const text = readProc('net', table) ?? '';
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/**
 * Every process whose CPU (g) counts, grouped: each service, then nats-server, PostgreSQL, Redis,
 * Neo4j. PostgreSQL is split: the backends serving a connection of a mesh service (matched by the
 * client port in the backend's title), the server's own background processes, and the backends
 * of anything else on this machine (other work sharing the server), reported apart.
 */
export function processGroups(root) {
  const groups = new Map();
  const add = (name, pid) => groups.set(name, [...(groups.get(name) ?? []), pid]);
  const services = serviceProcesses(root);
  for (const s of services) add(s.name, s.pid);
  const meshPorts = localPorts(services.map((s) => s.pid));
  const benchPorts = localPorts([process.pid]);
  for (const p of allProcesses()) {
    if (p.comm === 'nats-server') add('nats-server', p.pid);
    else if (p.comm === 'postgres' || p.comm.startsWith('postgres')) {
      const title = (readProc(p.pid, 'cmdline') ?? '').replace(/\0/g, ' ');
      const port = Number(/\((\d+)\)/.exec(title)?.[1] ?? NaN);
      if (meshPorts.has(port)) add('PostgreSQL (backends of the mesh)', p.pid);
      else if (benchPorts.has(port)) add('PostgreSQL (backends of this bench)', p.pid);
      else if (/\(\d+\)|\[local\]/.test(title)) add('PostgreSQL (backends of other clients: not the mesh)', p.pid);
      else add('PostgreSQL (server processes)', p.pid);
    } else if (p.comm === 'redis-server') add('redis-server', p.pid);
    else if (p.comm === 'java') add('Neo4j (java)', p.pid);
  }
  add('this bench (load generator)', process.pid);
  return groups;
}

/** CPU milliseconds the whole machine has been busy (all cores: user, nice, system, irq, softirq, steal). */
export function machineBusyMs() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = cpu;
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1_000) / CLK_TCK;
}

/** Key of the machine's total busy time in a snapshot (not a process group). */
export const MACHINE = '\u0001machine';

/** CPU milliseconds per group now; pids absent at the start of a window count from 0 (their whole life). */
export function cpuSnapshot(root) {
  const snap = new Map([[MACHINE, machineBusyMs()]]);
  for (const [name, pids] of processGroups(root)) {
    for (const pid of pids) {
      const ms = cpuMs(pid);
      if (ms !== undefined) snap.set(`${name}\u0000${pid}`, ms);
    }
  }
  return snap;
}

/** Per group: CPU ms spent between two snapshots. */
export function cpuDelta(before, after) {
  const out = new Map();
  for (const [key, ms] of after) {
    if (key === MACHINE) continue;
    const name = key.split('\u0000')[0];
    out.set(name, (out.get(name) ?? 0) + (ms - (before.get(key) ?? 0)));
  }
  // What the machine spent beyond the processes above: other work sharing it (other tests, builds).
  const listed = [...out.values()].reduce((a, b) => a + b, 0);
  out.set('everything else on the machine (not the mesh, its dependencies or this bench)', Math.max(0, after.get(MACHINE) - before.get(MACHINE) - listed));
  return out;
}

export function addInto(total, delta) {
  for (const [name, ms] of delta) total.set(name, (total.get(name) ?? 0) + ms);
  return total;
}

// ---------------------------------------------------------------- gateway client
export async function mintToken(secret, tenant) {
  const { SignJWT } = await import('jose');
  return new SignJWT({ tenant, roles: ['Administrator'], permissions: [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench@agent-factory.test')
    .setIssuer('agent-factory')
    .setAudience('agent-factory-api')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * Submits runs through the gateway and waits for them to be finished as the gateway reports them.
 * When a run is finished is noticed without polling the mesh hard: a core NATS subscription to the
 * workers' run events (af.v1.runs.event.succeeded|failed|cancelled — nats-server copies them to
 * any subscriber; no stream consumer is created) says "look now", then GET /v1/runs/{id} is read
 * until the run record is final (1, 2, 4 … 64 ms apart). Without an event in 5 s it polls anyway.
 */
export class GatewayClient {
  /** Answers 429/503 the client waited out (Retry-After) and retried. */
  retried = 0;
  gets = 0;
  #signals = new Map();
  #early = new Set();

  /** Refusals by status (429, 503). */
  refusals = {};
  #active = 0;
  #queue = [];

  /** `maxRequests`: HTTP requests in flight at most (like a client's connection pool); unlimited by default. */
  constructor(url, token, maxRequests = Infinity) {
    this.url = url;
    this.token = token;
    this.maxRequests = maxRequests;
  }

  async api(method, path, body) {
    if (this.#active >= this.maxRequests) await new Promise((resolve) => this.#queue.push(resolve));
    this.#active++;
    try {
      return await this.#request(method, path, body);
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }

  async #request(method, path, body) {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
  }

  async listen(natsUrl) {
    const { connect } = await import('@nats-io/transport-node');
    const { decode } = await import('@af/messaging');
    const { eventSubjects } = await import('@af/contracts');
    this.nc = await connect({ servers: natsUrl, name: 'bench-runs-observer' });
    for (const subject of ['af.v1.runs.event.succeeded', 'af.v1.runs.event.failed', 'af.v1.runs.event.cancelled']) {
      const schema = eventSubjects[subject].event;
      this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          let runId;
          try {
            runId = decode(schema, msg.data).runId;
          } catch {
            return;
          }
          const signal = this.#signals.get(runId);
          if (signal) signal();
          else {
            this.#early.add(runId);
            if (this.#early.size > 100_000) this.#early.clear();
          }
        },
      });
    }
    await this.nc.flush();
  }

  async close() {
    await this.nc?.close();
  }

  /** POST /v1/agents/{agent}/runs; 429/503 are waited out (Retry-After) and retried. */
  async submit(agent, input) {
    for (;;) {
      const res = await this.api('POST', `/v1/agents/${agent}/runs`, { input });
      if (res.status === 202) return String(res.body.runId);
      if (res.status === 429 || res.status === 503) {
        this.retried++;
        this.refusals[res.status] = (this.refusals[res.status] ?? 0) + 1;
        await sleep(Math.max(100, Number(res.headers.get('retry-after') ?? 1) * 1_000) * (0.5 + Math.random()));
        continue;
      }
      throw new Error(`submit ${agent}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  }

  /** Waits until GET /v1/runs/{id} reports the run final; answers the run record. */
  async finished(runId, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    if (!this.#early.delete(runId)) {
      let timer;
      await new Promise((resolve) => {
        this.#signals.set(runId, resolve);
        timer = setTimeout(resolve, 5_000);
      });
      clearTimeout(timer);
      this.#signals.delete(runId);
    }
    for (let delay = 1; ; delay = Math.min(64, delay * 2)) {
      this.gets++;
      const res = await this.api('GET', `/v1/runs/${runId}`);
      if (res.status === 429 || res.status === 503) {
        this.retried++;
        this.refusals[res.status] = (this.refusals[res.status] ?? 0) + 1;
        await sleep(Math.max(100, Number(res.headers.get('retry-after') ?? 1) * 1_000) * (0.5 + Math.random()));
      } else if (res.status !== 200) {
        throw new Error(`GET /v1/runs/${runId}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      } else if (FINAL.has(res.body.status)) {
        return res.body;
      }
      if (Date.now() > deadline) throw new Error(`run ${runId} not final after ${timeoutMs} ms (${res.body.status})`);
      await sleep(delay);
    }
  }

  /** One run, submit to finished: client-side and server-side latency. */
  async run(agent, input) {
    const t0 = performance.now();
    const runId = await this.submit(agent, input);
    const run = await this.finished(runId);
    return { runId, status: run.status, clientMs: performance.now() - t0, serverMs: Date.parse(run.finishedAt) - Date.parse(run.createdAt) };
  }
}
