#!/usr/bin/env node
// Generates the NATS credentials of every service and the nats-server authorization config that
// gives each exactly the permissions @af/contracts derives for it (access.ts natsPermissionsOf).
// README "NATS security" explains the deployment.
//
//   node scripts/nats-auth.mjs [--out .state/nats-auth] [--namespace <ns>] [--rotate]
//                              [--tls-cert server.pem --tls-key server-key.pem [--tls-ca ca.pem]]
//
// Writes (the directory is gitignored; seeds are 0600):
//   <out>/auth.conf              include from nats-server.conf (`include ./auth.conf`)
//   <out>/seeds/<service>.nk     the service's nkey seed -> NATS_NKEY_SEED_FILE of that service only
//   <out>/seeds/admin.nk         an unrestricted operator user (nats CLI, test clean-up); keep it off the services
//   <out>/env/<service>.env      NATS_NKEY_SEED_FILE=<absolute path> (for scripts/mesh.sh and local runs)
// Existing seeds are kept (the config is regenerated from the current contracts); --rotate makes new ones.
// Needs the built contracts (npx tsc -b libs/contracts/tsconfig.lib.json).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { nkeys } from '@nats-io/nats-core';

let contracts;
try {
  contracts = await import('@af/contracts');
} catch (error) {
  console.error(`nats-auth: cannot load @af/contracts (${error.message}); build it first: npx tsc -b libs/contracts/tsconfig.lib.json`);
  process.exit(2);
}
const { serviceNames, natsPermissionsOf, renderNatsAuthorization } = contracts;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.state/nats-auth' },
    namespace: { type: 'string', default: process.env.AF_NAMESPACE ?? '' },
    rotate: { type: 'boolean', default: false },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-ca': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 16).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
  console.error('nats-auth: --tls-cert and --tls-key go together');
  process.exit(2);
}
if (values.namespace && !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(values.namespace)) {
  console.error(`nats-auth: invalid namespace "${values.namespace}"`);
  process.exit(2);
}

const out = resolve(values.out);
mkdirSync(join(out, 'seeds'), { recursive: true, mode: 0o700 });
mkdirSync(join(out, 'env'), { recursive: true, mode: 0o700 });

/** The user's seed file: kept when present (unless --rotate), else a new nkey pair. Returns its public key. */
function userKey(name) {
  const file = join(out, 'seeds', `${name}.nk`);
  let kp;
  if (existsSync(file) && !values.rotate) {
    kp = nkeys.fromSeed(new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
  } else {
    kp = nkeys.createUser();
    writeFileSync(file, `${new TextDecoder().decode(kp.getSeed())}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { file, publicKey: kp.getPublicKey() };
}

const users = [];
for (const service of serviceNames) {
  const { file, publicKey } = userKey(service);
  users.push({ name: service, nkey: publicKey, permissions: natsPermissionsOf(service, { namespace: values.namespace }) });
  writeFileSync(join(out, 'env', `${service}.env`), `NATS_NKEY_SEED_FILE=${file}\n`, { mode: 0o600 });
}
const admin = userKey('admin');
users.push({ name: 'admin (operators: nats CLI, clean-up; never a service)', nkey: admin.publicKey, permissions: null });
writeFileSync(join(out, 'env', 'admin.env'), `NATS_NKEY_SEED_FILE=${admin.file}\n`, { mode: 0o600 });

const tls = values['tls-cert'] ? { certFile: resolve(values['tls-cert']), keyFile: resolve(values['tls-key']), ...(values['tls-ca'] ? { caFile: resolve(values['tls-ca']) } : {}) } : undefined;
writeFileSync(join(out, 'auth.conf'), renderNatsAuthorization(users, tls), { mode: 0o600 });
console.log(`nats-auth: ${users.length} users (${serviceNames.length} services + admin)${values.namespace ? ` for namespace ${values.namespace}` : ''} -> ${join(out, 'auth.conf')}; seeds in ${join(out, 'seeds')}`);
