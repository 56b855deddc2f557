#!/usr/bin/env node
// The golden path against a running mesh: create the example blueprint (or a new version of it),
// deploy it, run it, wait for the result and print it; then check every service's health and metrics.
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';
const ports = { gateway: 8080, blueprints: 8081, validation: 8082, compilation: 8083, deployment: 8084, orchestrator: 8085, worker: 8086, health: 8087, memory: 8088, 'pool-manager': 8089 };
const secret = process.env.AF_JWT_SECRET ?? readFileSync(new URL('../.state/jwt-secret', import.meta.url), 'utf8').trim();
const tenant = process.env.AF_DEMO_TENANT ?? 'acme';
const token = await new SignJWT({ tenant, roles: ['Administrator'], permissions: [] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('demo@acme.test')
  .setIssuer('agent-factory')
  .setAudience('agent-factory-api')
  .setIssuedAt()
  .setExpirationTime('10m')
  .sign(new TextEncoder().encode(secret));

async function call(method, path, body, type = 'application/json') {
  const res = await fetch(gateway + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, traceId: res.headers.get('x-trace-id') };
}
const show = (label, r) => console.log(`\n${label} → ${r.status}\n${JSON.stringify(r.body, null, 2)}`);
const fail = (msg) => {
  console.error(`demo: ${msg}`);
  process.exit(1);
};

const yaml = readFileSync(new URL('../examples/lead-qualifier.yaml', import.meta.url), 'utf8');
let created = await call('POST', '/v1/blueprints', yaml, 'application/yaml');
if (created.status === 409) created = await call('PUT', '/v1/blueprints/lead-qualifier', yaml, 'application/yaml');
show('POST /v1/blueprints (application/yaml)', created);
if (created.status >= 300) fail('blueprint was not stored');

const deployed = await call('POST', '/v1/agents/lead-qualifier/deployments', {});
show('POST /v1/agents/lead-qualifier/deployments', deployed);
// 200: that version was already active (a second demo on the same data) — nothing to change, go on.
if (deployed.status !== 201 && deployed.status !== 200) fail('deployment failed');

const run = await call('POST', '/v1/agents/lead-qualifier/runs', { input: { message: 'We need 40 seats, budget 50k' } });
show('POST /v1/agents/lead-qualifier/runs', run);
if (run.status !== 202) fail('run was not accepted');

let result;
for (const start = Date.now(); Date.now() - start < 30_000; await new Promise((r) => setTimeout(r, 200))) {
  result = await call('GET', `/v1/runs/${run.body.runId}`);
  if (['succeeded', 'failed'].includes(result.body?.status)) break;
}
show(`GET /v1/runs/${run.body.runId}`, result);
if (result.body?.status !== 'succeeded') fail(`run did not succeed: ${JSON.stringify(result.body?.error)}`);
console.log(`\nRun output: ${JSON.stringify(result.body.output)}   (trace ${result.body.traceId})`);

console.log('\nService health and metrics:');
let healthy = true;
for (const [svc, port] of Object.entries(ports)) {
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await metrics.text();
  const ok = ready.status === 200 && metrics.status === 200 && (metrics.headers.get('content-type') ?? '').startsWith('text/plain') && text.includes('# TYPE');
  healthy &&= ok;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${svc.padEnd(13)} /health/ready ${ready.status}  /metrics ${metrics.status} (${text.split('\n').filter((l) => l.startsWith('# TYPE')).length} metrics)`);
}
if (!healthy) fail('a service is not healthy');
console.log(`\nThe mesh keeps running: try  curl -H "authorization: Bearer $(npm run -s token)" ${gateway}/v1/runs/${run.body.runId}\nThe web console: ${gateway}/console (sign in with the token of: npm run -s token); the CLI: node clients/cli/dist/main.js --help (clients/cli/README.md)\nStop it with: npm run mesh:down`);
