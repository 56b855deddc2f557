// `npm run openapi:gen`: writes services/gateway/openapi.json from the code (commit it; a unit test fails on drift).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument, serializeOpenApiDocument } from './openapi.generate.js';

const target = join(import.meta.dirname, '..', '..', 'openapi.json');
writeFileSync(target, serializeOpenApiDocument(await generateOpenApiDocument()));
console.log(`wrote ${target}`);
process.exit(0);
