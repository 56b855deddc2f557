import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { flushTracing, initTracing, shutdownTracing, startSpan, withSpan } from './tracing.js';
import { ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * initTracing with an OTLP endpoint sends finished spans as OTLP/HTTP protobuf to it: a local
 * HTTP server stands in for the collector. (Strings are plain UTF-8 in protobuf, so the service
 * name, span names and header are checked in the bytes; the e2e receiver decodes them fully.)
 */
describe('OTLP export', () => {
  const received: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const state = initTracing({
      service: 'orchestrator',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k1' },
    });
    expect(state.exporting).toBe(true);
  });

  afterAll(async () => {
    await shutdownTracing();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends recorded spans, batched, as protobuf to <endpoint>/v1/traces with the configured headers', async () => {
    let traceId = '';
    await withSpan('process af.v1.runs.dispatch', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats' } }, async (span) => {
      expect(span.isRecording()).toBe(true);
      traceId = span.spanContext().traceId;
      await withSpan('step model chat', {}, async () => undefined);
    });
    expect(received).toHaveLength(0); // batched, not sent per span
    await flushTracing();
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req?.url).toBe('/v1/traces');
    expect(req?.headers['content-type']).toBe('application/x-protobuf');
    expect(req?.headers['x-collector-key']).toBe('k1');
    const text = req?.body.toString('latin1') ?? '';
    expect(text).toContain('orchestrator');
    expect(text).toContain('agent-factory');
    expect(text).toContain('process af.v1.runs.dispatch');
    expect(text).toContain('step model chat');
    expect(req?.body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
  });

  it('flushes what is still batched on shutdown', async () => {
    received.length = 0;
    startSpan('last words', { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).end();
    await shutdownTracing();
    expect(received.map((r) => r.body.toString('latin1')).join('')).toContain('last words');
  });
});
