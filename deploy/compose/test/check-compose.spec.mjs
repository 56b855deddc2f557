import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const COMPOSE = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

/** Runs scripts/check-compose.sh on `text` (written to a temporary file; paths resolve from the repository). */
function check(text) {
  const dir = mkdtempSync(join(tmpdir(), 'af-compose-'));
  try {
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, text);
    const run = spawnSync('bash', [join(ROOT, 'scripts/check-compose.sh'), file], { encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function replaced(from, to) {
  expect(COMPOSE).toContain(from);
  return COMPOSE.replace(from, to);
}

describe('scripts/check-compose.sh', () => {
  it('accepts the repository\'s docker-compose.yml', () => {
    const { status, output } = check(COMPOSE);
    expect(output).toContain('docker-compose.yml is valid');
    expect(status).toBe(0);
  });

  it('fails when docker-compose cannot read the file (a YAML error)', () => {
    const { status, output } = check(replaced('  redis:\n    image: redis:7-alpine', '  redis:\n    image: redis:7-alpine\n   broken: [indent'));
    expect(status).toBe(1);
    expect(output).toMatch(/docker-compose config refused/);
  });

  it('fails when a service of the contracts is missing or on the wrong port', () => {
    const withoutPool = COMPOSE.replace(/\n {2}pool-manager:\n(?: {4}.*\n)+/, '\n');
    expect(withoutPool).not.toContain('SERVICE: pool-manager');
    const missing = check(withoutPool);
    expect(missing.status).toBe(1);
    expect(missing.output).toContain('service pool-manager is missing');
    const wrongPort = check(replaced('HTTP_PORT: "8095"', 'HTTP_PORT: "8096"'));
    expect(wrongPort.status).toBe(1);
    expect(wrongPort.output).toContain('service triggers: HTTP_PORT is 8096, the contracts say 8095');
  });

  it('fails when a service starts before a health-checked dependency is healthy, or asks for more replicas than NATS nodes', () => {
    const started = check(replaced('    nats-3: { condition: service_healthy }', '    nats-3: { condition: service_started }'));
    expect(started.status).toBe(1);
    expect(started.output).toContain('depends on nats-3 without condition: service_healthy');
    const replicas = check(replaced('NATS_STREAM_REPLICAS: "3"', 'NATS_STREAM_REPLICAS: "5"'));
    expect(replicas.status).toBe(1);
    expect(replicas.output).toContain('NATS_STREAM_REPLICAS=5 but the file has 3 NATS node(s)');
  });

  it('fails when a mounted config file does not exist', () => {
    const { status, output } = check(replaced('./deploy/observability/otel-collector.yaml:', './deploy/observability/otel-collector.missing.yaml:'));
    expect(status).toBe(1);
    expect(output).toContain('otel-collector.missing.yaml, which does not exist');
  });
});
