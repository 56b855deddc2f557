import { deleteNamespace } from './namespace.js';

/** Removes what the run created on NATS under its namespace (PostgreSQL/Redis: each test cleans its own). */
export default async function globalTeardown(): Promise<void> {
  const namespace = process.env['AF_NAMESPACE'];
  if (!namespace || !process.env['AF_TEST_NAMESPACE_OWNED']) return;
  await deleteNamespace(process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', namespace);
}
