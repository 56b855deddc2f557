import net from 'node:net';

/** The real services integration tests run against. */
export type ServiceKind = 'postgres' | 'redis' | 'nats' | 'neo4j';

export interface ServiceSpec {
  kind: ServiceKind;
  label: string;
  envVar: 'DATABASE_URL' | 'REDIS_URL' | 'NATS_URL' | 'NEO4J_URL';
  defaultUrl: string;
  defaultPort: number;
  /** How to start it on a developer machine without a container runtime. */
  startCommand: string;
  /** testcontainers image for machines with a container runtime. */
  image: string;
}

export const serviceSpecs: Record<ServiceKind, ServiceSpec> = {
  postgres: {
    kind: 'postgres',
    label: 'PostgreSQL',
    envVar: 'DATABASE_URL',
    defaultUrl: 'postgres://postgres@127.0.0.1:5432/test',
    defaultPort: 5432,
    startCommand: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    image: 'postgres:15-alpine',
  },
  redis: {
    kind: 'redis',
    label: 'Redis',
    envVar: 'REDIS_URL',
    defaultUrl: 'redis://127.0.0.1:6379',
    defaultPort: 6379,
    startCommand: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    image: 'redis:7-alpine',
  },
  nats: {
    kind: 'nats',
    label: 'NATS JetStream',
    envVar: 'NATS_URL',
    defaultUrl: 'nats://127.0.0.1:4222',
    defaultPort: 4222,
    startCommand: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
    image: 'nats:2.10-alpine',
  },
  neo4j: {
    kind: 'neo4j',
    label: 'Neo4j',
    envVar: 'NEO4J_URL',
    defaultUrl: 'bolt://127.0.0.1:7687',
    defaultPort: 7687,
    startCommand: 'npm run neo4j:start',
    image: 'neo4j:5.26-community',
  },
};

/** TCP reachability of a URL's host:port, with a short timeout. */
export function tcpReachable(url: string, defaultPort: number, timeoutMs = 1_500): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || defaultPort);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class MissingServiceError extends Error {
  override readonly name = 'MissingServiceError';
  constructor(spec: ServiceSpec, url: string, reason: string) {
    super(
      `${spec.label} is not reachable at ${url} (${reason}).\n` +
        `  Set ${spec.envVar} to a running ${spec.label}, or start it with:\n    ${spec.startCommand}\n` +
        `  (no container runtime answered, so testcontainers could not start ${spec.image})`,
    );
  }
}

/** The URL tests must use for a service: the env var if set, else the local default. */
export function serviceUrl(kind: ServiceKind): string {
  const spec = serviceSpecs[kind];
  return process.env[spec.envVar] || spec.defaultUrl;
}
