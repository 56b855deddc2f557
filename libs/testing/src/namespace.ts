import { randomBytes } from 'node:crypto';

/**
 * A fresh NATS namespace for one test run (see @af/messaging Namespace): the services, clients
 * and streams of the run live under it, so a running mesh or a parallel run never answers its
 * requests or takes its messages.
 */
export function newTestNamespace(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Deletes the streams and KV buckets a test run created under its namespace. */
export async function deleteNamespace(natsUrl: string, namespace: string): Promise<number> {
  // Never the production namespace (''), and only names a namespace can have.
  if (!/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(namespace)) throw new Error(`refusing to delete namespace "${namespace}"`);
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl, name: 'af-test-teardown' });
  let deleted = 0;
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    for (const name of names) {
      if (name.startsWith(`${namespace}_`) || name.startsWith(`KV_${namespace}_`)) {
        await jsm.streams.delete(name);
        deleted++;
      }
    }
  } finally {
    await nc.close();
  }
  return deleted;
}
