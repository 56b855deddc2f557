import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { MAX_EXPORT_TIMEOUT_MS, TracingConfigError, tracingConfigFromEnv } from './tracing-config.js';

const decide = (env: Record<string, string>, parentSampled?: boolean) => {
  const { sampler } = tracingConfigFromEnv('worker', env);
  const parent =
    parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
  return sampler.shouldSample(parent, '0af7651916cd43dd8448eb211c80319c', 'span', SpanKind.INTERNAL, {}, []).decision;
};

describe(tracingConfigFromEnv.name, () => {
  it('exports nothing without an OTLP endpoint, and names the resource after the service', () => {
    const config = tracingConfigFromEnv('gateway', {});
    expect(config.exporter).toBeUndefined();
    expect(config.serviceName).toBe('gateway');
    expect(config.samplerDescription).toBe('parentbased_always_on');
    // Blank values count as unset.
    expect(tracingConfigFromEnv('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).exporter).toBeUndefined();
  });

  it('configures the OTLP/HTTP exporter from the generic endpoint, appending /v1/traces', () => {
    expect(tracingConfigFromEnv('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporter).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: {},
      timeoutMillis: 10_000,
    });
    expect(tracingConfigFromEnv('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/base/' }).exporter?.url).toBe('https://otel.example.com/base/v1/traces');
  });

  it('takes the traces endpoint as given, over the generic one', () => {
    const config = tracingConfigFromEnv('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' });
    expect(config.exporter?.url).toBe('http://b:9999/custom');
  });

  it('reads headers (signal-specific over generic, URL-decoded), the timeout and OTEL_SERVICE_NAME', () => {
    const config = tracingConfigFromEnv('worker', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=ops,authorization=Basic%20abc',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
      OTEL_SERVICE_NAME: 'worker-eu',
    });
    expect(config.exporter?.headers).toEqual({ 'x-tenant': 'traces', authorization: 'Basic abc' });
    expect(config.exporter?.timeoutMillis).toBe(2500);
    expect(config.serviceName).toBe('worker-eu');
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none even with an endpoint', () => {
    expect(tracingConfigFromEnv('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).exporter).toBeUndefined();
    expect(tracingConfigFromEnv('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).exporter).toBeUndefined();
    expect(tracingConfigFromEnv('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'false' }).exporter).toBeDefined();
  });

  it('builds the sampler from OTEL_TRACES_SAMPLER and its ratio', () => {
    expect(decide({})).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({}, false)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'always_off' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    // Parent-based: a sampled parent is followed whatever the root ratio.
    expect(decide({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toBe(SamplingDecision.NOT_RECORD);
    expect(tracingConfigFromEnv('worker', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).samplerDescription).toBe('parentbased_traceidratio 0.25');
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /http/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /not a URL/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', /http/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', /http\/protobuf/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', /http\/protobuf/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS', /key=value/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '0' }, 'OTEL_EXPORTER_OTLP_TIMEOUT', /milliseconds/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TIMEOUT: String(MAX_EXPORT_TIMEOUT_MS + 1) }, 'OTEL_EXPORTER_OTLP_TIMEOUT', /milliseconds/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER', /one of/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG', /ratio/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG', /ratio/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER', /otlp or none/],
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED', /true or false/],
  ])('refuses %j naming %s', (env, variable, message) => {
    let thrown: unknown;
    try {
      tracingConfigFromEnv('gateway', env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TracingConfigError);
    expect((thrown as TracingConfigError).variable).toBe(variable);
    expect((thrown as TracingConfigError).message).toMatch(message);
  });
});
