import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { serviceConfigSpec } from '@af/runtime';

export const workerConfigSpec = {
  ...serviceConfigSpec('worker'),
  nats: natsConfigSpec,
  artifacts: {
    cacheSize: env.int('WORKER_ARTIFACT_CACHE_SIZE', { default: 256, min: 1, max: 100_000, description: 'Parsed artifacts kept in memory (LRU)' }),
  },
  sandbox: {
    memoryLimitMb: env.int('WORKER_SANDBOX_MEMORY_MB', { default: 64, min: 8, max: 4_096, description: 'Heap limit of each tool isolate' }),
    timeoutMs: env.int('WORKER_SANDBOX_TIMEOUT_MS', { default: 2_000, min: 10, max: 300_000, description: 'CPU and wall-clock limit of one tool call' }),
    maxIsolates: env.int('WORKER_SANDBOX_MAX_ISOLATES', { default: 32, min: 1, max: 1_000, description: 'Isolates kept warm (one per artifact, LRU)' }),
    maxResultBytes: env.int('WORKER_SANDBOX_MAX_RESULT_BYTES', { default: 1_048_576, min: 1_024, max: 64 * 1_048_576, description: 'Largest JSON a tool may return' }),
  },
};

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type SandboxConfig = WorkerConfig['sandbox'];

export function loadWorkerConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(workerConfigSpec, source);
}
