import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { FakeProvider, OtlpReceiver } from '@af/testing';

/** Where the mesh started by this setup finds its priced model provider (README "Model providers"): a local server speaking OpenAI's protocol. */
export const E2E_MODEL_PORT = Number(process.env['AF_E2E_MODEL_PORT'] ?? 18931);
/** $1000 per million tokens in and out: a call's cost is visible (fake usage 1000 in + 200 out = 1.2 USD). */
export const E2E_PROVIDERS = {
  e2efake: { kind: 'openai', baseUrl: `http://127.0.0.1:${E2E_MODEL_PORT}/v1`, maxOutputTokens: 1000, timeoutMs: 20_000, models: { m1: { inputPerMTok: 1000, outputPerMTok: 1000 } } },
};

/** Where the mesh started by this setup exports its traces (OTLP/HTTP protobuf): a stand-in collector that traces.e2e-spec.ts reads. */
export const E2E_OTLP_PORT = Number(process.env['AF_E2E_OTLP_PORT'] ?? 18932);

declare global {
  var afE2eModel: FakeProvider | undefined;
  var afE2eOtlp: OtlpReceiver | undefined;
}

async function gatewayReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_500) })).ok;
  } catch {
    return false;
  }
}

/**
 * The end-to-end tests run against the running mesh: GATEWAY_URL if set, else the local mesh on
 * :8080 if it answers, else this setup starts it (scripts/mesh.sh up) and the teardown stops it.
 */
export default async function setup(_global: unknown, project: { rootDir: string }): Promise<void> {
  const root = resolve(project.rootDir, '..');
  const url = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080';
  process.env['GATEWAY_URL'] = url;
  process.env['AF_MESH_LOG_DIR'] ??= resolve(root, '.state/logs');
  if (await gatewayReady(url)) return;
  if (process.env['GATEWAY_URL_EXTERNAL'] === '1') throw new Error(`no gateway answers at ${url}`);
  // Short default approval deadlines, so governance-runs.e2e-spec.ts sees one pass (the dev mesh: 5 min).
  // A priced provider for the budget and streaming tests (it answers every call with {"qualified": true}); the fetch
  // bridge may reach loopback so a tool can call a local test server with an injected secret — test-only settings.
  const model = await FakeProvider.start('openai', E2E_MODEL_PORT);
  // A prompt that says "e2e-slow" is answered after 1.5 s, so a test can open the run's event stream before the tokens flow.
  model.respond = (body) => ({ kind: 'final', text: '{"qualified":true,"score":42}', ...(JSON.stringify(body).includes('e2e-slow') ? { delayMs: 1_500 } : {}) });
  globalThis.afE2eModel = model;
  process.env['AF_E2E_MODEL_URL'] = `http://127.0.0.1:${E2E_MODEL_PORT}`;
  const otlp = await OtlpReceiver.start(E2E_OTLP_PORT);
  globalThis.afE2eOtlp = otlp;
  process.env['AF_E2E_OTLP_URL'] = otlp.endpoint;
  const env = {
    ...process.env,
    AF_SKIP_BUILD: '1',
    AF_GOVERNANCE_DEFAULT_DEADLINE_SEC: process.env['AF_GOVERNANCE_DEFAULT_DEADLINE_SEC'] ?? '10',
    AF_MODEL_PROVIDERS: JSON.stringify(E2E_PROVIDERS),
    WORKER_FETCH_UNSAFE_ALLOW_ADDRESSES: '127.0.0.1',
    WEBHOOKS_ALLOW_HOSTS: '127.0.0.1',
    WEBHOOKS_RETRY_BASE_MS: '500',
    WEBHOOKS_DISPATCH_INTERVAL_MS: '200',
    // Every service exports its spans to the stand-in collector, in batches sent every 200 ms (default 5 s).
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  execFileSync('bash', [resolve(root, 'scripts/mesh.sh'), 'up'], { stdio: 'inherit', env });
  process.env['AF_E2E_STARTED_MESH'] = '1';
}
