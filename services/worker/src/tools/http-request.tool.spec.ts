import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { MessageBus } from '@af/messaging';
import { MetricsRegistry, createLogger } from '@af/observability';
import { WorkerMetrics } from '../worker.metrics.js';
import { ToolBridges } from './bridges.js';
import { RunFetchBudget } from './fetch-budget.js';
import { HttpRequestTool } from './http-request.tool.js';
import { SafeFetch } from './safe-fetch.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';

describe(HttpRequestTool.name, () => {
  let server: http.Server;
  let port = 0;
  const received: { method: string; url: string; type: string; key: string; body: string }[] = [];
  const audit: Record<string, unknown>[] = [];
  let bridges: ToolBridges;
  const ctx = { tenantId: 'acme', runId: 'run-1', agent: 'crm-sync', artifactHash: 'h', stepId: 'run-1/2', fetchBudget: new RunFetchBudget({ maxConcurrentPerCall: 4, maxFetchesPerRun: 64, maxBytesPerRun: 8_388_608, maxResponseBytes: 1_048_576 }) };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', type: req.headers['content-type'] ?? '', key: String(req.headers['idempotency-key'] ?? ''), body });
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 42 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // api.test resolves to the local server; 127.0.0.1 is exempt from the range checks in this test only.
    const network = new SafeFetch(
      { maxResponseBytes: 10_000, maxRequestBytes: 10_000, timeoutMs: 2_000, maxRedirects: 0, unsafeAllowAddressesForTests: ['127.0.0.1'] },
      async () => [{ address: '127.0.0.1', family: 4 }],
    );
    const logger = createLogger('worker', 'info', new Writable({ write: (chunk, _e, cb) => (audit.push(JSON.parse(String(chunk)) as Record<string, unknown>), cb()) }));
    // The bus is only used by memory.recall, which this tool never calls.
    bridges = new ToolBridges(network, {} as MessageBus, new WorkerMetrics(new MetricsRegistry('worker')), logger, new SecretsRepository({} as MessageBus), new SecretRedaction());
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('makes the request through the audited bridge and returns status, headers and the parsed JSON body', async () => {
    const sut = new HttpRequestTool('create_lead', bridges, { allowHosts: ['api.test'] });
    const result = await sut.invoke({ url: `http://api.test:${port}/leads`, method: 'post', body: { name: 'Ada' } }, ctx);
    expect(result).toMatchObject({ status: 201, ok: true, body: { id: 42 }, headers: { 'content-type': 'application/json' } });
    // The call's journal step id is its Idempotency-Key (a retried step sends the same one).
    expect(received.at(-1)).toEqual({ method: 'POST', url: '/leads', type: 'application/json', key: 'run-1/2', body: '{"name":"Ada"}' });
    await sut.invoke({ url: `http://api.test:${port}/leads`, method: 'post', headers: { 'Idempotency-Key': 'mine' }, body: {} }, ctx);
    expect(received.at(-1)?.key).toBe('mine');
    expect(audit).toContainEqual(expect.objectContaining({ audit: 'sandbox.bridge', tool: 'create_lead', bridge: 'fetch', outcome: 'ok' }));
  });

  it('refuses hosts outside the allowlist, bad arguments and unsupported methods', async () => {
    const sut = new HttpRequestTool('create_lead', bridges, { allowHosts: ['api.test'] });
    await expect(sut.invoke({ url: 'http://169.254.169.254/latest/meta-data' }, ctx)).rejects.toThrow(/fetch refused/);
    await expect(sut.invoke({ url: `http://other.test:${port}/` }, ctx)).rejects.toThrow(/fetch refused/);
    await expect(sut.invoke({ method: 'GET' }, ctx)).rejects.toThrow(/needs a "url"/);
    await expect(sut.invoke({ url: `http://api.test:${port}/`, method: 'TRACE' }, ctx)).rejects.toThrow(/not supported/);
  });
});
