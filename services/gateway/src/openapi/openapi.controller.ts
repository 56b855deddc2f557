import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Injectable, Param, Res } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { AppError } from '@af/errors';
import { Public } from '@af/observability';

/** The document generated at boot from the code (`installOpenApi`); the committed openapi.json is the same. */
@Injectable()
export class OpenApiDocument {
  private document: OpenAPIObject | undefined;

  set(document: OpenAPIObject): void {
    this.document = document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw AppError.notFound('the OpenAPI document');
    return this.document;
  }
}

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Agent Factory API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
</script>
</body>
</html>
`;

interface Reply {
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/** `GET /openapi.json` and the Swagger UI at `/docs`: public (no token, not rate limited). */
@ApiExcludeController()
@Public()
@Controller()
export class OpenApiController {
  private readonly assets = new Map<string, Buffer>();

  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  openapi(): OpenAPIObject {
    return this.document.get();
  }

  @Get('docs')
  page(@Res() reply: Reply): void {
    reply.header('content-type', 'text/html; charset=utf-8').send(PAGE);
  }

  /** Only the files the page loads; anything else is 404 (no path from the URL reaches the file system). */
  @Get('docs/:asset')
  async asset(@Param('asset') asset: string, @Res() reply: Reply): Promise<void> {
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) throw AppError.notFound(`docs asset "${asset}"`, '/asset');
    let body = this.assets.get(asset);
    if (!body) {
      body = await readFile(join(assetDir, asset));
      this.assets.set(asset, body);
    }
    reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(body);
  }
}
