#!/usr/bin/env node
// Test runs create their streams under a namespace (AF_NAMESPACE) and delete them at the end; a
// run that was killed leaves them behind. This lists them, or deletes the ones you name.
//   node scripts/nats-namespaces.mjs list
//   node scripts/nats-namespaces.mjs delete <namespace>...
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { deleteNamespace } from '@af/testing';

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const [command, ...names] = process.argv.slice(2);
if (command === 'list') {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const found = new Set();
  for await (const name of jsm.streams.names()) {
    const m = /^(?:KV_)?([a-z0-9][a-z0-9-]*)_(?:AF_|af_)/.exec(name);
    if (m) found.add(m[1]);
  }
  await nc.close();
  console.log([...found].sort().join('\n') || '(none)');
} else if (command === 'delete' && names.length > 0) {
  for (const ns of names) console.log(`${ns}: ${await deleteNamespace(url, ns)} streams deleted`);
} else {
  console.error('usage: nats-namespaces.mjs list | delete <namespace>...');
  process.exit(2);
}
