import { existsSync, readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from '@nats-io/nats-core';
import { ConfigError, type ConfigOf, type ConfigProblem } from '@af/config';
import type { natsAuthConfigSpec } from './nats.config.js';

export type NatsAuthConfig = ConfigOf<ReturnType<typeof natsAuthConfigSpec>>;

/**
 * The nats.js connection options for the configured credentials and TLS files. Throws a
 * ConfigError listing every problem (two methods at once, a password without a user, a missing
 * or malformed seed file, a certificate without its key); never echoes a secret.
 */
export function natsConnectOptionsOf(auth: NatsAuthConfig): Pick<ConnectionOptions, 'authenticator' | 'user' | 'pass' | 'tls'> {
  const problems: ConfigProblem[] = [];
  const methods = [auth.nkeySeedFile && 'NATS_NKEY_SEED_FILE', auth.credsFile && 'NATS_CREDS_FILE', auth.user && 'NATS_USER'].filter(Boolean);
  if (methods.length > 1) problems.push({ env: methods.join(', '), problem: 'are alternatives: set one way to authenticate' });
  if (auth.password && !auth.user) problems.push({ env: 'NATS_PASSWORD', problem: 'is set without NATS_USER' });
  if (auth.user && !auth.password) problems.push({ env: 'NATS_USER', problem: 'needs NATS_PASSWORD' });
  if (Boolean(auth.tlsCertFile) !== Boolean(auth.tlsKeyFile)) problems.push({ env: 'NATS_TLS_CERT, NATS_TLS_KEY', problem: 'go together (mutual TLS needs both)' });
  for (const [env, file] of [
    ['NATS_NKEY_SEED_FILE', auth.nkeySeedFile],
    ['NATS_CREDS_FILE', auth.credsFile],
    ['NATS_TLS_CA', auth.tlsCaFile],
    ['NATS_TLS_CERT', auth.tlsCertFile],
    ['NATS_TLS_KEY', auth.tlsKeyFile],
  ] as const) {
    if (file && !existsSync(file)) problems.push({ env, problem: `names a file that does not exist: ${file}` });
  }
  let seed: Uint8Array | undefined;
  if (auth.nkeySeedFile && existsSync(auth.nkeySeedFile)) {
    const text = readFileSync(auth.nkeySeedFile, 'utf8').trim();
    if (/^SU[A-Z2-7]{50,}$/.test(text)) seed = new TextEncoder().encode(text);
    else problems.push({ env: 'NATS_NKEY_SEED_FILE', problem: `must hold a user nkey seed (SU…, as scripts/nats-auth.mjs writes), not ${text.length} other characters` });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const options: Pick<ConnectionOptions, 'authenticator' | 'user' | 'pass' | 'tls'> = {};
  if (seed) options.authenticator = nkeyAuthenticator(seed);
  else if (auth.credsFile) options.authenticator = credsAuthenticator(new Uint8Array(readFileSync(auth.credsFile)));
  else if (auth.user) Object.assign(options, { user: auth.user, pass: auth.password });
  if (auth.tlsCaFile || auth.tlsCertFile) {
    options.tls = {
      ...(auth.tlsCaFile ? { caFile: auth.tlsCaFile } : {}),
      ...(auth.tlsCertFile ? { certFile: auth.tlsCertFile, keyFile: auth.tlsKeyFile } : {}),
    };
  }
  return options;
}
