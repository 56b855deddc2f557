import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { ConfigVarError, env, loadConfig, type VarSpec } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { serviceConfigSpec } from '@af/runtime';
import { providersVar } from './models/provider-config.js';

export const workerConfigSpec = {
  ...serviceConfigSpec('worker'),
  nats: natsConfigSpec,
  artifacts: {
    cacheSize: env.int('WORKER_ARTIFACT_CACHE_SIZE', { default: 256, min: 1, max: 100_000, description: 'Parsed artifacts kept in memory (LRU)' }),
  },
  sandbox: {
    memoryLimitMb: env.int('WORKER_SANDBOX_MEMORY_MB', { default: 64, min: 8, max: 4_096, description: 'Heap limit of each tool isolate' }),
    timeoutMs: env.int('WORKER_SANDBOX_TIMEOUT_MS', { default: 2_000, min: 10, max: 300_000, description: 'Wall-clock limit of one tool call (bridge calls included)' }),
    cpuTimeMs: env.int('WORKER_SANDBOX_CPU_MS', { default: 1_000, min: 10, max: 300_000, description: 'CPU time limit of one tool call' }),
    maxIsolates: env.int('WORKER_SANDBOX_MAX_ISOLATES', { default: 32, min: 1, max: 1_000, description: 'Isolates kept warm (one per artifact, LRU)' }),
    // At most what the orchestrator's step journal stores (768 KiB, so a CompleteStep fits a NATS message).
    maxResultBytes: env.int('WORKER_SANDBOX_MAX_RESULT_BYTES', { default: 786_432, min: 1_024, max: 786_432, description: 'Largest JSON a tool may return (the step journal keeps at most 768 KiB)' }),
    maxConcurrentCalls: env.int('WORKER_SANDBOX_MAX_CONCURRENT', { default: 2 * availableParallelism(), min: 1, max: 256, description: 'Tool-code calls running in isolates at once (CPU-bound); more wait for a turn' }),
  },
  /** The worker-runs consumer in this process (see README "Guarantees"). */
  runs: {
    concurrency: env.int('WORKER_RUN_CONCURRENCY', { default: 64, min: 1, max: 1_000, description: 'Runs one worker process executes at once (I/O-bound: a run waiting on a model holds no CPU)' }),
    dependencyRetryMs: env.int('WORKER_DEPENDENCY_RETRY_MS', { default: 300_000, min: 0, max: 3_600_000, description: 'How long a run keeps retrying, in process, the journal (begin/complete a step), the artifact and its outcome event while the orchestrator, compilation or NATS is away, before it is handed back (long enough for a few minutes of outage)' }),
    shutdownGraceMs: env.int('WORKER_SHUTDOWN_GRACE_MS', { default: 10_000, min: 0, max: 290_000, description: 'On SIGTERM, how long runs in flight may finish before they are handed back (must be below SHUTDOWN_TIMEOUT_MS)' }),
  },
  /** Run events on AF_EVENTS are bounded (see runs/run-event.limits.ts); NATS carries 1 MiB by default. */
  runEvents: {
    fieldPreviewBytes: env.int('WORKER_EVENT_FIELD_PREVIEW_BYTES', { default: 16_384, min: 256, max: 262_144, description: 'Longest tool-call argument/result/error (and run input, error message) carried in a run event; longer ones travel as previews marked truncated' }),
    maxEventBytes: env.int('WORKER_EVENT_MAX_BYTES', { default: 262_144, min: 32_768, max: 917_504, description: 'Budget of one RunSucceeded/RunFailed event (below NATS max_payload)' }),
    maxOutputBytes: env.int('WORKER_RUN_MAX_OUTPUT_BYTES', { default: 131_072, min: 1_024, max: 786_432, description: 'Largest run output (JSON); a larger one fails the run with PAYLOAD_TOO_LARGE at /output' }),
  },
  /** The sandbox's `fetch` bridge (hosts come from each blueprint's spec.network.allowHosts). */
  fetch: {
    timeoutMs: env.int('WORKER_FETCH_TIMEOUT_MS', { default: 5_000, min: 100, max: 60_000, description: 'Time limit of one fetch from tool code, redirects included' }),
    maxResponseBytes: env.int('WORKER_FETCH_MAX_RESPONSE_BYTES', { default: 1_048_576, min: 1_024, max: 16 * 1_048_576, description: 'Largest response body a tool may fetch' }),
    maxRequestBytes: env.int('WORKER_FETCH_MAX_REQUEST_BYTES', { default: 262_144, min: 1_024, max: 16 * 1_048_576, description: 'Largest request body a tool may send' }),
    maxConcurrentPerCall: env.int('WORKER_FETCH_MAX_CONCURRENT_PER_CALL', { default: 4, min: 1, max: 64, description: 'Fetches one tool call may have in flight; one more is rejected' }),
    maxFetchesPerRun: env.int('WORKER_FETCH_MAX_PER_RUN', { default: 64, min: 1, max: 10_000, description: 'Fetches one run may make in all' }),
    maxBytesPerRun: env.int('WORKER_FETCH_MAX_BYTES_PER_RUN', { default: 8 * 1_048_576, min: 1_024, max: 1_024 * 1_048_576, description: 'Response bytes one run may read in all' }),
    maxRedirects: env.int('WORKER_FETCH_MAX_REDIRECTS', { default: 3, min: 0, max: 10, description: 'Redirects followed (each one checked like the first request)' }),
    unsafeAllowAddressesForTests: unsafeAddressList('WORKER_FETCH_UNSAFE_ALLOW_ADDRESSES', 'UNSAFE, for end-to-end tests only: comma-separated IP addresses (e.g. 127.0.0.1) the fetch bridge may reach although they are loopback/private; empty (the default) in every real deployment'),
  },
  /** A run's model answers streamed on af.v1.runs.tokens.<runId> (best effort; see README "Model providers"). */
  stream: {
    flushMs: env.int('WORKER_STREAM_FLUSH_MS', { default: 50, min: 1, max: 5_000, description: 'Streamed answer text is sent in chunks: a chunk goes out at the latest this long after its first delta' }),
    flushBytes: env.int('WORKER_STREAM_FLUSH_BYTES', { default: 1_024, min: 1, max: 65_536, description: 'A streamed chunk goes out at once when it reaches this many bytes' }),
    maxBytesPerStep: env.int('WORKER_STREAM_MAX_BYTES_PER_STEP', { default: 65_536, min: 0, max: 262_144, description: 'Answer text one model step may stream in all (0: no streaming); the rest is not streamed, the run output has it' }),
  },
  /** Agent memory (issue 12) over af.v1.memory.* — see services/worker/src/memory/run-memory.ts. */
  memory: {
    requestTimeoutMs: env.int('WORKER_MEMORY_TIMEOUT_MS', { default: 2_000, min: 100, max: 60_000, description: 'Time limit of one request to the memory service' }),
    loadWaitMs: env.int('WORKER_MEMORY_LOAD_WAIT_MS', { default: 10_000, min: 0, max: 300_000, description: 'How long loading a run\'s memory (and updating its working window) retries while the memory service is away; then the run proceeds without memory and its memory step says so' }),
    episodes: env.int('WORKER_MEMORY_EPISODES', { default: 5, min: 1, max: 50, description: 'Relevant episodes loaded into the context of a run whose blueprint has context.memory.episodic' }),
    defaultTopK: env.int('WORKER_MEMORY_TOP_K', { default: 5, min: 1, max: 100, description: 'Semantic hits loaded when context.memory.semantic gives no topK' }),
    contextMaxBytes: env.int('WORKER_MEMORY_CONTEXT_MAX_BYTES', { default: 8_192, min: 1_024, max: 65_536, description: 'Largest "What you remember:" section added to a run\'s system prompt' }),
  },
  /** Model providers and the router (see README "Model providers"). */
  models: modelsConfigSpec(process.env),
};

/** A comma-separated list of IP addresses ('' = none); each must be an IP address. */
function unsafeAddressList(name: string, description: string): VarSpec<string[]> {
  return {
    kind: 'var',
    env: name,
    secret: false,
    description,
    parse(raw) {
      const list = (raw ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
      const bad = list.find((a) => isIP(a) === 0);
      if (bad !== undefined) throw new ConfigVarError(`"${bad.slice(0, 64)}" is not an IP address (a comma-separated list of IP addresses, or empty)`);
      return list;
    },
  };
}

/** The model settings; API keys come from the variables each provider's apiKeyEnv names in `source`. */
function modelsConfigSpec(source: NodeJS.ProcessEnv) {
  return {
    providers: providersVar('AF_MODEL_PROVIDERS', 'Model providers by name (JSON: kind openai|anthropic, baseUrl, apiKeyEnv, timeoutMs, maxOutputTokens, headers, query, models with prices per million tokens); empty = only the offline provider', source),
    breakerFailures: env.int('MODEL_BREAKER_FAILURES', { default: 5, min: 1, max: 1_000, description: 'Consecutive failed calls (timeout, 5xx, connection error) after which a provider endpoint\'s circuit opens and its route entries are skipped' }),
    breakerCooldownMs: env.int('MODEL_BREAKER_COOLDOWN_MS', { default: 30_000, min: 100, max: 3_600_000, description: 'How long an open circuit skips its endpoint before one half-open probe call' }),
    retryAfterMaxMs: env.int('MODEL_RETRY_AFTER_MAX_MS', { default: 2_000, min: 0, max: 60_000, description: 'A 429 whose retry-after is at most this long is retried once on the same entry after waiting; a longer one moves to the next route entry' }),
  };
}

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export type SandboxConfig = WorkerConfig['sandbox'];

export function loadWorkerConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig({ ...workerConfigSpec, models: modelsConfigSpec(source) }, source);
}
