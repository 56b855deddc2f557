import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode } from '@af/errors';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface RawBodyRequest {
  rawBody?: string;
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
 * JSON.parse (iterative in V8: deep input cannot overflow the stack) followed by an iterative
 * walk that refuses keys able to pollute prototypes and absurd nesting, naming where they are.
 */
export function parseJsonStrict(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError(ErrorCode.InvalidDocument, `request body is not valid JSON: ${(error as Error).message}`, { path: '' });
  }
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw new AppError(ErrorCode.InvalidDocument, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`, { path });
    for (const key of Object.keys(current)) {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (FORBIDDEN_KEYS.has(key)) throw new AppError(ErrorCode.InvalidDocument, `key "${key}" is not allowed anywhere in a document`, { path: at });
      stack.push({ value: (current as Record<string, unknown>)[key], path: at, depth: depth + 1 });
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
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: RawBodyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      const text = decodeUtf8(body);
      req.rawBody = text;
      done(null, text.trim() === '' ? undefined : parseJsonStrict(text));
    } catch (error) {
      done(error as Error);
    }
  });
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'buffer' }, (req: RawBodyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      const text = decodeUtf8(body);
      req.rawBody = text;
      done(null, text);
    } catch (error) {
      done(error as Error);
    }
  });
}
