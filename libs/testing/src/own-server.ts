import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './service-process.js';
import { tcpReachable } from './services.js';

/**
 * A server of the test's own (redis-server, nats-server) on a free port, for fault tests that stop,
 * freeze or restart it. The machine's shared servers are never touched.
 */
export interface OwnServer {
  url: string;
  port: number;
  /** SIGKILL and wait for the exit (the port then refuses connections). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the port accepts connections that get no answer. */
  freeze(): void;
  thaw(): void;
  /** Starts it again on the same port (and data directory). */
  restart(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

async function ownServer(command: string, args: (port: number, dir: string) => string[], scheme: string): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `af-own-${command}-`));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(command, args(port, dir), { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await tcpReachable(`tcp://127.0.0.1:${port}`, port, 200))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`own ${command} did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `redis-server` on a free port, no persistence. */
export function startOwnRedis(): Promise<OwnServer> {
  return ownServer('redis-server', (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], 'redis');
}

/** `nats-server -js` on a free port, its store in a temporary directory (kept across restarts). */
export function startOwnNats(): Promise<OwnServer> {
  return ownServer('nats-server', (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], 'nats');
}
