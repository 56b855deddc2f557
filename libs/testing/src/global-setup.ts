import { locateServices } from './locate.js';
import type { ServiceKind } from './services.js';

/**
 * Jest globalSetup for integration tests. The project's `globals.afServices` lists the real
 * services it needs (PostgreSQL, Redis, NATS, Neo4j). Fails the run, naming each missing
 * service and the command that starts it, rather than skipping.
 */
export default async function globalSetup(_global: unknown, project: { globals?: Record<string, unknown> }): Promise<void> {
  const fromEnv = process.env['AF_TEST_SERVICES']?.split(',').filter(Boolean);
  const wanted = (fromEnv ?? (project.globals?.['afServices'] as string[] | undefined) ?? ['postgres', 'redis', 'nats', 'neo4j']) as ServiceKind[];
  await locateServices(wanted);
}
