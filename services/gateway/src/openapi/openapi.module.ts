import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenApiController, OpenApiDocument } from './openapi.controller.js';
import { createOpenApiDocument } from './openapi.document.js';

/** `/openapi.json` and `/docs`. */
@Module({ controllers: [OpenApiController], providers: [OpenApiDocument] })
export class OpenApiModule {}

/** Generates the document from the booting application's routes (before it listens). */
export function installOpenApi(app: NestFastifyApplication): void {
  app.get(OpenApiDocument).set(createOpenApiDocument(app));
}
