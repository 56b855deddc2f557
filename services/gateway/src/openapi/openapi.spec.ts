import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OPERATIONS } from './api.schemas.js';
import { generateOpenApiDocument, serializeOpenApiDocument } from './openapi.generate.js';

const committedPath = join(import.meta.dirname, '..', '..', 'openapi.json');

describe('OpenAPI document', () => {
  it('the committed services/gateway/openapi.json is what the code generates (else: npm run openapi:gen and commit)', async () => {
    const generated = serializeOpenApiDocument(await generateOpenApiDocument());
    expect(readFileSync(committedPath, 'utf8')).toBe(generated);
  });

  it('is OpenAPI 3.1 with both security schemes, the error body, and every authenticated route’s permission', async () => {
    const document = await generateOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(['bearerJwt', 'apiKey']);
    expect(document.components?.schemas?.['Error']).toBeDefined();
    expect(JSON.stringify(document)).not.toContain('"nullable"');
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { security?: unknown[]; responses: Record<string, unknown>; 'x-af-permission'?: string }>).map(([verb, op]) => ({ route: `${verb.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const { route, op } of operations) {
      if (op.security?.length === 0) continue;
      expect({ route, permission: typeof op['x-af-permission'] }).toEqual({ route, permission: 'string' });
      expect({ route, statuses: ['401', '403', '429'].filter((s) => op.responses[s]) }).toEqual({ route, statuses: ['401', '403', '429'] });
    }
    const run = document.paths['/v1/agents/{name}/runs']?.post as unknown as { 'x-af-permission': string; responses: Record<string, { description: string; headers: Record<string, unknown> }> };
    expect(run['x-af-permission']).toBe('RunAgent');
    expect(run.responses['429']?.description).toContain('QUOTA_EXCEEDED');
    expect(Object.keys(run.responses['429']?.headers ?? {})).toEqual(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy']);
    expect(document.paths['/health/live']?.get?.security).toEqual([]);
    expect(document.paths['/openapi.json']).toBeUndefined();
  });

  it('describes every route: its parameters, its request body where it reads one, and its success body (api.schemas.ts)', async () => {
    const document = await generateOpenApiDocument();
    type Op = { operationId: string; parameters?: { in: string; name: string; schema?: object }[]; requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { content?: Record<string, { schema: object }> }> };
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item as Record<string, Op>).map(([verb, op]) => ({ path, verb, op })));
    expect(operations.map(({ op }) => op.operationId).sort()).toEqual(Object.keys(OPERATIONS).sort());
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components });
    const compiles = (schema: object) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object);
    for (const { path, verb, op } of operations) {
      const route = `${verb.toUpperCase()} ${path}`;
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect({ route, pathParameters: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name) }).toEqual({ route, pathParameters: templated });
      for (const parameter of op.parameters ?? []) expect({ route, parameter: parameter.name, schema: parameter.schema !== undefined }).toEqual({ route, parameter: parameter.name, schema: true });
      if (verb === 'post' || verb === 'put') expect({ route, body: op.requestBody !== undefined }).toEqual({ route, body: true });
      const successes = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      expect({ route, success: successes.length > 0 }).toEqual({ route, success: true });
      for (const [status, response] of successes) {
        if (status !== '204') expect({ route, status, content: response.content !== undefined }).toEqual({ route, status, content: true });
        for (const media of Object.values(response.content ?? {})) compiles(media.schema);
      }
      for (const media of Object.values(op.requestBody?.content ?? {})) compiles(media.schema);
    }
    const run = document.paths['/v1/agents/{name}/runs']?.post as unknown as Op;
    expect(run.requestBody?.content['application/json']?.schema).toMatchObject({ additionalProperties: false });
    expect(Object.keys((document.paths['/v1/blueprints']?.post as unknown as Op).requestBody?.content ?? {})).toEqual(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'application/json']);
  });
});
