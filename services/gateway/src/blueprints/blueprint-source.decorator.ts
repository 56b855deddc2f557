import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import { YAML_TYPES, type RawBodyRequest } from '../http/body-parsers.js';

export interface BlueprintSource {
  source: string;
  format: 'yaml' | 'json';
}

/** The blueprint as the author wrote it: YAML or JSON text, never re-serialized. */
export const BlueprintBody = createParamDecorator((_: unknown, ctx: ExecutionContext): BlueprintSource => {
  const req = ctx.switchToHttp().getRequest<RawBodyRequest>();
  const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = type === 'application/json' ? 'json' : YAML_TYPES.includes(type) ? 'yaml' : undefined;
  if (!format) throw new AppError(ErrorCode.UnsupportedMediaType, 'send the blueprint as application/yaml or application/json');
  if (!req.rawBody || req.rawBody.trim() === '') throw new AppError(ErrorCode.InvalidDocument, 'request body is empty', { path: '' });
  return { source: req.rawBody, format };
});
