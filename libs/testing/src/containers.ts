import type { ServiceSpec } from './services.js';

let runtime: Promise<boolean> | undefined;

/** True when testcontainers finds a container runtime (Docker, Podman…). Asked once. */
export function containerRuntimeAvailable(): Promise<boolean> {
  runtime ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  })();
  return runtime;
}

/** Starts the service's image and returns its URL; the container lives until the test process ends (Ryuk reaps it). */
export async function startContainer(spec: ServiceSpec): Promise<string> {
  const { GenericContainer, Wait } = await import('testcontainers');
  switch (spec.kind) {
    case 'postgres': {
      const c = await new GenericContainer(spec.image)
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      return `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/test`;
    }
    case 'redis': {
      const c = await new GenericContainer(spec.image).withExposedPorts(6379).start();
      return `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
    }
    case 'nats': {
      const c = await new GenericContainer(spec.image).withCommand(['-js', '-sd', '/data']).withExposedPorts(4222).start();
      return `nats://${c.getHost()}:${c.getMappedPort(4222)}`;
    }
    case 'neo4j': {
      const c = await new GenericContainer(spec.image)
        .withEnvironment({ NEO4J_AUTH: 'none' })
        .withExposedPorts(7687)
        .withWaitStrategy(Wait.forLogMessage(/Started\./))
        .start();
      return `bolt://${c.getHost()}:${c.getMappedPort(7687)}`;
    }
  }
}
