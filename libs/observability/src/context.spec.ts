import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { RequestContext, runInScope } from './context.js';
import { SpanKind, currentTraceId, initTracing, startSpan } from './tracing.js';

initTracing();
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RequestContext', () => {
  it('makes up distinct correlation ids that an x-correlation-id header would accept', () => {
    const ids = Array.from({ length: 1000 }, () => RequestContext.newCorrelationId());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids.slice(0, 5)) expect(id).toMatch(/^[0-9a-f]{24}-[0-9a-z]+$/);
  });

  it('shares one store with the OTel context: one enters both, either can change without losing the other, across awaits', async () => {
    const span = startSpan('HTTP GET', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    const traceId = span.spanContext().traceId;
    await runInScope({ correlationId: 'c-1' }, trace.setSpan(ROOT_CONTEXT, span), async () => {
      await tick();
      expect(RequestContext.current()).toEqual({ correlationId: 'c-1' });
      expect(currentTraceId()).toBe(traceId);
      const child = startSpan('child', { kind: SpanKind.INTERNAL }, context.active());
      await context.with(trace.setSpan(context.active(), child), async () => {
        await tick();
        expect(RequestContext.current()?.correlationId).toBe('c-1');
        expect(trace.getActiveSpan()?.spanContext().spanId).toBe(child.spanContext().spanId);
      });
      await RequestContext.run({ correlationId: 'c-2', tenantId: 't' }, async () => {
        await tick();
        expect(RequestContext.current()).toEqual({ correlationId: 'c-2', tenantId: 't' });
        expect(currentTraceId()).toBe(traceId);
      });
      expect(RequestContext.current()?.correlationId).toBe('c-1');
    });
    expect(RequestContext.current()).toBeUndefined();
    expect(currentTraceId()).toBeUndefined();
  });
});
