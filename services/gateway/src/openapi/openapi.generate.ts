import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createLogger } from '@af/observability';
import { AppModule } from '../app.module.js';
import { loadGatewayConfig } from '../config.js';
import { createOpenApiDocument } from './openapi.document.js';

const PLACEHOLDER = 'openapi-generation-'.padEnd(40, 'x');

/**
 * The document as the code declares it, without starting anything: Nest's preview mode scans
 * modules and controllers but instantiates no provider (no NATS, PostgreSQL or Redis).
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadGatewayConfig({ AF_JWT_SECRET: PLACEHOLDER, AF_API_KEY_PEPPER: PLACEHOLDER });
  const logger = createLogger('gateway', 'error');
  const app = await NestFactory.create(AppModule.forRoot(config, { logger, instanceId: 'openapi' }), new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Its committed form: 2-space JSON with a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
