import { MissingServiceError, serviceSpecs, serviceUrl, tcpReachable, type ServiceKind } from './services.js';
import { startContainer, containerRuntimeAvailable } from './containers.js';

export interface LocatedService {
  kind: ServiceKind;
  url: string;
  source: 'env' | 'local' | 'testcontainers';
}

/**
 * Finds each service: the env var (DATABASE_URL, REDIS_URL, NATS_URL, NEO4J_URL) if set, else
 * the local default port, else a testcontainer where a container runtime answers. Otherwise it
 * throws, naming the service and the command that starts it. It never skips.
 */
export async function locateServices(kinds: readonly ServiceKind[]): Promise<LocatedService[]> {
  const located: LocatedService[] = [];
  const missing: MissingServiceError[] = [];
  for (const kind of kinds) {
    const spec = serviceSpecs[kind];
    const fromEnv = process.env[spec.envVar];
    const url = serviceUrl(kind);
    if (await tcpReachable(url, spec.defaultPort)) {
      located.push({ kind, url, source: fromEnv ? 'env' : 'local' });
      continue;
    }
    if (!fromEnv && (await containerRuntimeAvailable())) {
      const started = await startContainer(spec);
      process.env[spec.envVar] = started;
      located.push({ kind, url: started, source: 'testcontainers' });
      continue;
    }
    missing.push(new MissingServiceError(spec, url, fromEnv ? `${spec.envVar} is set but nothing answers` : 'nothing listens on that port'));
  }
  if (missing.length > 0) throw new Error(missing.map((m) => m.message).join('\n\n'));
  for (const service of located) process.env[serviceSpecs[service.kind].envVar] = service.url;
  return located;
}
