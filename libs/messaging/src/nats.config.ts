import { env } from '@af/config';

export const natsConfigSpec = {
  url: env.url('NATS_URL', { protocols: ['nats', 'tls'], default: 'nats://127.0.0.1:4222', description: 'NATS server with JetStream' }),
  /** Isolation prefix for subjects, streams and buckets; empty in production (see Namespace). */
  namespace: env.string('AF_NAMESPACE', { default: '', pattern: /^([a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?)?$/ }),
  requestTimeoutMs: env.int('NATS_REQUEST_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
  streamReplicas: natsReplicasConfigSpec(),
  auth: natsAuthConfigSpec(),
};

/**
 * The service's NATS credentials (README "NATS security"): one of an nkey seed file (preferred:
 * the server holds only the public key, the seed never travels), a JWT creds file (operator mode,
 * nsc), or a user and password. None set: no authentication (a local development server).
 * TLS files are optional; a `tls://` URL or a server that requires TLS uses them.
 */
export function natsAuthConfigSpec() {
  return {
    nkeySeedFile: env.string('NATS_NKEY_SEED_FILE', { default: '', description: 'File with the service user\'s nkey seed (SU…), as written by scripts/nats-auth.mjs' }),
    credsFile: env.string('NATS_CREDS_FILE', { default: '', description: 'JWT user credentials file (.creds) for operator-mode NATS accounts' }),
    user: env.string('NATS_USER', { default: '', description: 'NATS user name (with NATS_PASSWORD)' }),
    password: env.secret('NATS_PASSWORD', { default: '', description: 'NATS password of NATS_USER' }),
    tlsCaFile: env.string('NATS_TLS_CA', { default: '', description: 'CA bundle that signed the NATS server certificate' }),
    tlsCertFile: env.string('NATS_TLS_CERT', { default: '', description: 'Client certificate (mutual TLS), with NATS_TLS_KEY' }),
    tlsKeyFile: env.string('NATS_TLS_KEY', { default: '', description: 'Client certificate key (mutual TLS)' }),
  };
}

/**
 * Replicas of every JetStream stream and KV bucket this mesh provisions: 1 on a single server, 3 on
 * a three-node cluster (docker-compose.yml, deploy/nats/cluster.conf). JetStream allows at most 5.
 */
export function natsReplicasConfigSpec() {
  return env.int('NATS_STREAM_REPLICAS', { default: 1, min: 1, max: 5, description: 'Replicas of every JetStream stream and KV bucket (≤ the number of JetStream servers in the cluster)' });
}
