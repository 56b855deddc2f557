import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';

/**
 * Where a service's spans go, read once at boot from the standard OTEL_* variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/ and the OTLP
 * exporter's). Export is off unless an OTLP endpoint is set; then spans are batched and sent as
 * OTLP over HTTP/protobuf. A value the SDK would silently ignore fails the boot here instead.
 */
export interface TracingConfig {
  /** The resource's service.name: OTEL_SERVICE_NAME, else the service's own name. */
  serviceName: string;
  /** The OTLP/HTTP exporter's settings; undefined when spans are not exported. */
  exporter?: {
    /** The traces endpoint: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
    url: string;
    headers: Record<string, string>;
    timeoutMillis: number;
  };
  /** OTEL_TRACES_SAMPLER (+ _ARG) as a sampler; parent-based always-on by default. */
  sampler: Sampler;
  /** The sampler as configured, for the boot log ("parentbased_traceidratio 0.1"). */
  samplerDescription: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Longest export attempt a setting may ask for (the exporter's default is 10 s). */
export const MAX_EXPORT_TIMEOUT_MS = 60_000;

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
type SamplerName = (typeof SAMPLERS)[number];

export class TracingConfigError extends Error {
  override readonly name = 'TracingConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const value = (env: Env, name: string): string | undefined => {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
};

function endpointUrl(variable: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TracingConfigError(variable, `"${raw}" is not a URL (e.g. http://otel-collector:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TracingConfigError(variable, `must be an http:// or https:// URL (OTLP over HTTP), got ${url.protocol}`);
  return url;
}

function tracesUrl(env: Env): { variable: string; url: string } | undefined {
  const specific = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific) return { variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', url: endpointUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific).href };
  const base = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!base) return undefined;
  const url = endpointUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  // The generic endpoint is the collector's base: the signal's path is appended (OTLP spec).
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', url: url.href };
}

function headers(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    const raw = value(env, variable);
    if (!raw) continue;
    for (const pair of raw.split(',')) {
      if (pair.trim() && !/^[^=]+=.*$/.test(pair.trim())) throw new TracingConfigError(variable, `"${pair.trim()}" is not key=value (a comma-separated list, values URL-encoded)`);
    }
    // The signal-specific list wins over the generic one for the same key.
    Object.assign(out, parseKeyPairsIntoRecord(raw));
  }
  return out;
}

function timeout(env: Env): number {
  const variable = value(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT' : 'OTEL_EXPORTER_OTLP_TIMEOUT';
  const raw = value(env, variable);
  if (raw === undefined) return 10_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_EXPORT_TIMEOUT_MS) throw new TracingConfigError(variable, `must be a whole number of milliseconds from 1 to ${MAX_EXPORT_TIMEOUT_MS}, got "${raw}"`);
  return ms;
}

function protocol(env: Env): void {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const raw = value(env, variable);
    if (raw === undefined) continue;
    if (raw !== 'http/protobuf') throw new TracingConfigError(variable, `only http/protobuf is supported (OTLP over HTTP, port 4318 on a collector), got "${raw}"`);
    return;
  }
}

function sampler(env: Env): { sampler: Sampler; description: string } {
  const raw = value(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  if (!(SAMPLERS as readonly string[]).includes(raw)) throw new TracingConfigError('OTEL_TRACES_SAMPLER', `must be one of ${SAMPLERS.join(', ')}, got "${raw}"`);
  const name = raw as SamplerName;
  const ratio = () => {
    const arg = value(env, 'OTEL_TRACES_SAMPLER_ARG');
    if (arg === undefined) return 1;
    const n = Number(arg);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new TracingConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a ratio from 0 to 1 for ${name}, got "${arg}"`);
    return n;
  };
  switch (name) {
    case 'always_on':
      return { sampler: new AlwaysOnSampler(), description: name };
    case 'always_off':
      return { sampler: new AlwaysOffSampler(), description: name };
    case 'traceidratio': {
      const r = ratio();
      return { sampler: new TraceIdRatioBasedSampler(r), description: `${name} ${r}` };
    }
    case 'parentbased_always_on':
      return { sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), description: name };
    case 'parentbased_always_off':
      return { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }), description: name };
    case 'parentbased_traceidratio': {
      const r = ratio();
      return { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(r) }), description: `${name} ${r}` };
    }
  }
}

/**
 * Reads the tracing settings for `service` from `env`. Export is off (no exporter, no recorded
 * spans) without an OTLP endpoint, with OTEL_SDK_DISABLED=true or with OTEL_TRACES_EXPORTER=none.
 * Throws TracingConfigError naming the variable for a value that cannot be used.
 */
export function tracingConfigFromEnv(service: string, env: Env = process.env): TracingConfig {
  const serviceName = value(env, 'OTEL_SERVICE_NAME') ?? service;
  const { sampler: chosen, description } = sampler(env);
  const base: TracingConfig = { serviceName, sampler: chosen, samplerDescription: description };
  const disabled = value(env, 'OTEL_SDK_DISABLED');
  if (disabled !== undefined && !['true', 'false'].includes(disabled.toLowerCase())) throw new TracingConfigError('OTEL_SDK_DISABLED', `must be true or false, got "${disabled}"`);
  if (disabled?.toLowerCase() === 'true') return base;
  const exporterName = value(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp';
  if (exporterName === 'none') return base;
  if (exporterName !== 'otlp') throw new TracingConfigError('OTEL_TRACES_EXPORTER', `must be otlp or none, got "${exporterName}"`);
  const target = tracesUrl(env);
  if (!target) return base;
  protocol(env);
  return { ...base, exporter: { url: target.url, headers: headers(env), timeoutMillis: timeout(env) } };
}
