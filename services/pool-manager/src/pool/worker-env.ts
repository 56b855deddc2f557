/** The variables that say who a process is on NATS (libs/messaging natsAuthConfigSpec); TLS trust (NATS_TLS_*) is the host's and passes through. */
export const NATS_CREDENTIAL_VARIABLES = ['NATS_NKEY_SEED_FILE', 'NATS_CREDS_FILE', 'NATS_USER', 'NATS_PASSWORD'] as const;

/** The workers' own NATS credentials (POOL_WORKER_NATS_NKEY_SEED_FILE | POOL_WORKER_NATS_CREDS_FILE), at most one set. */
export interface WorkerNatsCredentials {
  nkeySeedFile: string;
  credsFile: string;
}

/**
 * The environment a worker process starts with: the pool manager's, without the pool manager's
 * own NATS credentials (a worker must never connect as the pool manager, whose user may read
 * `worker-runs`' info but not pull it), plus the worker's credentials when configured.
 */
export function workerEnvironment(base: NodeJS.ProcessEnv, credentials: WorkerNatsCredentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of NATS_CREDENTIAL_VARIABLES) delete env[name];
  if (credentials.nkeySeedFile) env.NATS_NKEY_SEED_FILE = credentials.nkeySeedFile;
  if (credentials.credsFile) env.NATS_CREDS_FILE = credentials.credsFile;
  return env;
}
