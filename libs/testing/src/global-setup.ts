import { locateServices } from './locate.js';
import type { ServiceKind } from './services.js';
import { newTestNamespace } from './namespace.js';

/**
 * Jest globalSetup for integration tests. The project's `globals.afServices` lists the real
 * services it needs (PostgreSQL, Redis, NATS, Neo4j). Fails the run, naming each missing
 * service and the command that starts it, rather than skipping.
 */
export default async function globalSetup(_global: unknown, project: { globals?: Record<string, unknown> }): Promise<void> {
  const fromEnv = process.env['AF_TEST_SERVICES']?.split(',').filter(Boolean);
  const wanted = (fromEnv ?? (project.globals?.['afServices'] as string[] | undefined) ?? ['postgres', 'redis', 'nats', 'neo4j']) as ServiceKind[];
  await locateServices(wanted);
  // Every subject, stream and bucket of this run lives under its own namespace, so a running mesh
  // or another test run never answers its requests or takes its messages. AF_NAMESPACE picks
  // one; AF_TEST_ISOLATION=shared runs on the production names (to debug against a mesh).
  if (!process.env['AF_NAMESPACE'] && process.env['AF_TEST_ISOLATION'] !== 'shared') {
    process.env['AF_NAMESPACE'] = newTestNamespace();
    process.env['AF_TEST_NAMESPACE_OWNED'] = '1';
  }
}
