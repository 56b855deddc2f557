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

/** JSON.parse that refuses keys able to pollute prototypes, naming where they are. */
export function parseJsonStrict(text: string): unknown {
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, function (this: unknown, key: string, v: unknown) {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
      return v;
    });
  } catch (error) {
    throw new AppError(ErrorCode.InvalidDocument, `request body is not valid JSON: ${(error as Error).message}`, { path: '' });
  }
  if (forbidden) throw new AppError(ErrorCode.InvalidDocument, `key "${forbidden}" is not allowed anywhere in a document`, { path: '' });
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
