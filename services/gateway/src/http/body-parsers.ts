import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode, jsonSyntaxReason } from '@af/errors';
import { MetricsRegistry } from '@af/observability';
import { isInboundHookRouteConfig } from '../hooks/inbound-hook.js';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface RawBodyRequest {
  rawBody?: string;
  /** The bytes as received, kept for the inbound-webhook route only (its signature covers them). */
  rawBuffer?: Buffer;
  routeOptions?: { config?: unknown };
  headers: Record<string, string | string[] | undefined>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new AppError(ErrorCode.InvalidDocument, 'request body is not valid UTF-8', { path: '' });
  }
}

/** Deepest JSON body accepted; the blueprint service applies its own, lower limit to documents. */
const MAX_JSON_DEPTH = 512;

/**
 * `"\ud800"` is valid JSON but not Unicode: no database, protobuf string or UTF-8 encoder can
 * keep it faithfully, so it is refused where it is, not deep in a service as a 500.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

function loneSurrogate(path: string): AppError {
  return new AppError(ErrorCode.InvalidDocument, 'string contains a lone UTF-16 surrogate (an escape such as \\ud800 that is not a Unicode character)', { path });
}

/**
 * JSON.parse (iterative in V8: deep input cannot overflow the stack) followed by an iterative
 * walk that refuses keys able to pollute prototypes, absurd nesting and lone surrogates, naming where they are.
 */
export function parseJsonStrict(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text in its message: never echoed (it may hold a secret).
    throw new AppError(ErrorCode.InvalidDocument, `request body is not valid JSON: ${jsonSyntaxReason((error as Error).message)}`, { path: '' });
  }
  if (typeof value === 'string' && hasLoneSurrogate(value)) throw loneSurrogate('');
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw new AppError(ErrorCode.InvalidDocument, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`, { path });
    for (const key of Object.keys(current)) {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (FORBIDDEN_KEYS.has(key)) throw new AppError(ErrorCode.InvalidDocument, `key "${key}" is not allowed anywhere in a document`, { path: at });
      if (hasLoneSurrogate(key)) throw loneSurrogate(at);
      const child = (current as Record<string, unknown>)[key];
      if (typeof child === 'string' && hasLoneSurrogate(child)) throw loneSurrogate(at);
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
  return value;
}

/**
 * JSON bodies are parsed strictly and kept raw (the blueprint service stores the author's
 * source); YAML bodies arrive as text. Everything must be UTF-8. Other types get 415.
 */
export function installBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parsed = app.get(MetricsRegistry).counter('af_gateway_request_bodies_parsed_total', 'Request bodies read and parsed, by content type', ['type']);
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: RawBodyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    parsed.inc({ type: 'json' });
    if (isInboundHookRouteConfig(req.routeOptions?.config)) req.rawBuffer = body;
    try {
      const text = decodeUtf8(body);
      req.rawBody = text;
      done(null, text.trim() === '' ? undefined : parseJsonStrict(text));
    } catch (error) {
      done(error as Error);
    }
  });
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'buffer' }, (req: RawBodyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    parsed.inc({ type: 'yaml' });
    try {
      const text = decodeUtf8(body);
      req.rawBody = text;
      done(null, text);
    } catch (error) {
      done(error as Error);
    }
  });
}
