#!/usr/bin/env node
// Writes libs/api-client/src/schema.gen.ts (the typed paths of the gateway's HTTP API) from
// services/gateway/openapi.json with openapi-typescript. `npm run openapi:gen` runs it after
// writing the spec; scripts/check-generated.sh fails when the committed file drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('..', import.meta.url).pathname;
const spec = JSON.parse(readFileSync(join(root, 'services/gateway/openapi.json'), 'utf8'));
const header =
  '// Generated from services/gateway/openapi.json by openapi-typescript (scripts/gen-api-client.mjs, run by\n' +
  '// `npm run openapi:gen`); do not edit. scripts/check-generated.sh fails on drift.\n';
const out = join(root, 'libs/api-client/src/schema.gen.ts');
writeFileSync(out, header + astToString(await openapiTS(spec)));
console.log(`wrote ${out}`);
