import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, SpanKind, TraceFlags, createTraceState, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { suppressTracing } from '@opentelemetry/core';
import { startSpan } from './tracing.js';

const sdk = new BasicTracerProvider().getTracer('reference');
const parentOf = (traceFlags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags, isRemote: true, traceState: createTraceState('vendor=1') });
const identity = (span: ReturnType<typeof startSpan>) => {
  const { traceId, traceFlags, traceState } = span.spanContext();
  return { traceId, traceFlags, traceState: traceState?.serialize() };
};

describe(startSpan.name, () => {
  it('without a span processor, gives a span the identity the SDK would: continued trace, new span id, parent flags and state', () => {
    for (const flags of [TraceFlags.SAMPLED, TraceFlags.NONE]) {
      const parent = parentOf(flags);
      const sut = startSpan('HTTP GET', { kind: SpanKind.SERVER }, parent);
      expect(sut.isRecording()).toBe(false);
      expect(identity(sut)).toEqual(identity(sdk.startSpan('HTTP GET', { kind: SpanKind.SERVER }, parent)));
      expect(sut.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(sut.spanContext().spanId).not.toBe('b7ad6b7169203331');
    }
  });

  it('starts a new sampled trace without a parent, and an invalid span when tracing is suppressed', () => {
    const a = startSpan('root', { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).spanContext();
    const b = startSpan('root', { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).spanContext();
    expect(trace.isSpanContextValid(a)).toBe(true);
    expect(a.traceId).not.toBe(b.traceId);
    expect(a.traceFlags).toBe(sdk.startSpan('root', {}, ROOT_CONTEXT).spanContext().traceFlags);
    expect(trace.isSpanContextValid(startSpan('quiet', { kind: SpanKind.INTERNAL }, suppressTracing(ROOT_CONTEXT)).spanContext())).toBe(false);
  });
});
