import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OtlpReceiver, decodeExportTraceRequest } from './otlp-receiver.js';

/** The receiver against the real OTLP/HTTP protobuf exporter the services use, and against bytes that are not OTLP. */
describe(OtlpReceiver.name, () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('decodes what the OTLP exporter sends: ids, parent, name, kind, attributes, status and service.name', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'worker' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${receiver.endpoint}/v1/traces` }))],
    });
    const tracer = provider.getTracer('agent-factory');
    const parent = tracer.startSpan('process af.v1.runs.dispatch', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats', 'messaging.nats.delivery_count': 2, replayed: false } }, ROOT_CONTEXT);
    const child = tracer.startSpan('step tool lookup', { attributes: { ratio: 0.5 } }, trace.setSpan(ROOT_CONTEXT, parent));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
    child.end();
    parent.end();
    await provider.shutdown();

    const { traceId, spanId } = parent.spanContext();
    const spans = receiver.spansOf({ traceId });
    expect(spans).toHaveLength(2);
    const root = spans.find((s) => s.name === 'process af.v1.runs.dispatch');
    const step = spans.find((s) => s.name === 'step tool lookup');
    expect(root).toMatchObject({ spanId, parentSpanId: '', kind: 5, service: 'worker', scope: 'agent-factory', attributes: { 'messaging.system': 'nats', 'messaging.nats.delivery_count': 2, replayed: false } });
    expect(step).toMatchObject({ parentSpanId: spanId, kind: 1, service: 'worker', attributes: { ratio: 0.5 }, status: { code: 2, message: 'tool failed' } });
    expect(BigInt(root?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(step?.endTimeUnixNano ?? 1));

    const res = await fetch(`${receiver.endpoint}/__spans?traceId=${traceId}`);
    expect(((await res.json()) as { spans: unknown[] }).spans).toHaveLength(2);
    expect(receiver.rejected).toBe(0);
  });

  it('refuses bytes that are not an export request (400) and other content types (415), counting them', async () => {
    const post = (body: Uint8Array | string, type: string) => fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body });
    // Field 1, length-delimited, claims 100 bytes but has 2: truncated.
    expect((await post(new Uint8Array([0x0a, 100, 1, 2]), 'application/x-protobuf')).status).toBe(400);
    expect((await post('{"resourceSpans":[]}', 'application/json')).status).toBe(415);
    expect(receiver.rejected).toBe(2);
    expect(() => decodeExportTraceRequest(new Uint8Array([0x0a, 100, 1, 2]))).toThrow();
    // A span without a trace id is not a span.
    const spanWithoutIds = new Uint8Array([0x0a, 8, 0x12, 6, 0x12, 4, 0x2a, 2, 0x68, 0x69]);
    expect(() => decodeExportTraceRequest(spanWithoutIds)).toThrow(/trace id/);
  });
});
