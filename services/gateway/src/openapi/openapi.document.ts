import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorCode, httpStatusOf } from '@af/errors';
import { PUBLIC_ROUTE } from '@af/observability';
import { REQUIRED_PERMISSION } from '../auth/require-permission.decorator.js';
import { COMPONENT_SCHEMAS, OPERATIONS, requestBodyOf, type OperationSchemas } from './api.schemas.js';

/** The schemes a caller authenticates with: both travel as `Authorization: Bearer …`. */
const SECURITY_SCHEMES = {
  bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT (HS256 with AF_JWT_SECRET, or a key of AF_JWT_JWKS_URL) with the claims sub, tenant, roles' },
  apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'afk_…', description: 'An API key (`afk_…`, from POST /v1/api-keys), sent as `Authorization: Bearer afk_…`' },
} as const;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.values(ErrorCode) },
        message: { type: 'string' },
        path: { type: 'string', description: 'JSON Pointer to the offending input (body, or /query/<name>, /headers/<name>)' },
        details: { description: 'Structured detail, e.g. a validation report or {quota, used, period}' },
        correlationId: { type: 'string' },
        traceId: { type: 'string' },
      },
    },
  },
} as const;

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = Exclude<OperationObject['responses'][string], { $ref: string }>;

const seconds = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': seconds('Requests allowed in the binding window (IETF draft-ietf-httpapi-ratelimit-headers)'),
  'RateLimit-Remaining': seconds('Requests left in that window'),
  'RateLimit-Reset': seconds('Seconds until the window has room again'),
  'RateLimit-Policy': { description: 'The plan’s windows, e.g. `30;w=1, 600;w=60`', schema: { type: 'string' } },
};
const RETRY_AFTER = { 'Retry-After': seconds('Seconds to wait before retrying') };

const errorResponse = (description: string, headers?: Record<string, unknown>): ResponseObject => ({
  description,
  ...(headers ? { headers: headers as never } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The codes that answer with `status`, for the response descriptions. */
const codesOf = (status: number) =>
  Object.values(ErrorCode)
    .filter((code) => httpStatusOf(code) === status)
    .join(', ');

interface RouteFacts {
  permission: string | undefined;
  isPublic: boolean;
  runQuota: boolean;
}

/** `Controller_method` (the operationId @nestjs/swagger gives) → what the route declares. */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const classPublic = Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const method = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof method !== 'function') continue;
        const config = Reflect.getMetadata('__fastify_route_config__', method) as { runQuota?: boolean } | undefined;
        facts.set(`${controller.name}_${name}`, {
          permission: Reflect.getMetadata(REQUIRED_PERMISSION, method) as string | undefined,
          isPublic: classPublic || Reflect.getMetadata(PUBLIC_ROUTE, method) === true,
          runQuota: config?.runQuota === true,
        });
      }
    }
  }
  return facts;
}

/** OpenAPI 3.0 `nullable: true` → 3.1 type arrays; `exclusiveMinimum: true` style is not produced by us. */
function toOpenApi31(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi31);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = toOpenApi31(value);
  const record = node as Record<string, unknown>;
  if (record['nullable'] === true && typeof record['type'] === 'string') out['type'] = [record['type'], 'null'];
  return out;
}

/**
 * The bodies and parameters the routes parse by hand (`api.schemas.ts`), which Nest cannot see:
 * our parameters (with their formats and bounds) replace Nest's of the same name, the request body
 * is set, and the success responses are ours (Nest's default 2xx removed).
 */
function applyOperationSchemas(operation: OperationObject, schemas: OperationSchemas): void {
  if (schemas.parameters) {
    const ours = new Set(schemas.parameters.map((p) => `${p.in}:${p.name}`));
    const nests = (operation.parameters ?? []).filter((p) => !('in' in p) || !ours.has(`${p.in}:${p.name}`));
    operation.parameters = [...schemas.parameters, ...nests] as OperationObject['parameters'];
  }
  if (schemas.body) operation.requestBody = requestBodyOf(schemas.body) as OperationObject['requestBody'];
  const responses = (operation.responses ??= {});
  for (const status of Object.keys(responses)) if (status.startsWith('2')) delete responses[status];
  const { status, description, schema, content, also } = schemas.success;
  const body = content ?? (schema ? { 'application/json': { schema } } : undefined);
  responses[status] = { description, ...(body ? { content: body as never } : {}) };
  if (also) responses[also.status] = { description: also.description, ...(body ? { content: body as never } : {}) };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * The gateway's OpenAPI 3.1 document, generated from the code: routes, parameters and bodies as
 * Nest and @nestjs/swagger see them, each route's permission (`x-af-permission`, from
 * `@RequirePermission`) and security (none for `@Public()` routes), and the error responses every
 * route can give (one error body for all: `#/components/schemas/Error`), and each route's request
 * body, parameters and success body from `api.schemas.ts`.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Agent Factory gateway')
    .setDescription('Declarative agent blueprints compiled, deployed and run durably. Every route needs a JWT or an API key unless it says `security: []`; `x-af-permission` names the permission it needs (README "Roles and permissions").')
    .setVersion('v1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const facts = routeFacts(app);
  for (const pathItem of Object.values(document.paths)) {
    for (const verb of METHODS) {
      const operation = pathItem[verb];
      if (!operation) continue;
      const route = facts.get(operation.operationId ?? '');
      const schemas = OPERATIONS[operation.operationId ?? ''];
      if (schemas) applyOperationSchemas(operation, schemas);
      const responses = (operation.responses ??= {});
      if (route?.isPublic) {
        operation.security = [];
      } else {
        operation.security = [{ bearerJwt: [] }, { apiKey: [] }];
        if (route?.permission) (operation as unknown as Record<string, unknown>)['x-af-permission'] = route.permission;
        responses['401'] ??= errorResponse(`No valid credential (${codesOf(401)})`);
        responses['403'] ??= errorResponse(`The credential lacks the permission (${codesOf(403)})`);
        responses['429'] ??= errorResponse(
          route?.runQuota ? 'RATE_LIMITED (the caller’s plan), QUOTA_EXCEEDED (the tenant’s monthly runs: details {quota, used, period}) or RESOURCE_EXHAUSTED' : 'RATE_LIMITED: the caller’s plan allows no more requests now',
          { ...RETRY_AFTER, ...RATE_LIMIT_HEADERS },
        );
      }
      responses['400'] ??= errorResponse(`Bad input, with the path at fault (${codesOf(400)})`);
      responses['503'] ??= errorResponse('A dependency is unavailable or the gateway is busy (UNAVAILABLE)', RETRY_AFTER);
      responses['default'] ??= errorResponse('Any other error, same body');
    }
  }
  document.components = { ...document.components, securitySchemes: SECURITY_SCHEMES as never, schemas: { ...document.components?.schemas, ...(COMPONENT_SCHEMAS as Record<string, never>), Error: ERROR_SCHEMA as never } };
  return toOpenApi31(document) as OpenAPIObject;
}
