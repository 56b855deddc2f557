#!/usr/bin/env node
// Mints a development API token (HS256) for the gateway.
//   npm run -s token -- --tenant acme --sub alice --roles Administrator,Developer [--permissions CrossOrgAccess] [--ttl 3600]
// The key is AF_JWT_SECRET, or the one `npm run mesh:up` generated into .state/jwt-secret.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', default: 'acme' },
    sub: { type: 'string', default: 'dev@acme.test' },
    roles: { type: 'string', default: 'Administrator' },
    permissions: { type: 'string', default: '' },
    ttl: { type: 'string', default: '3600' },
    issuer: { type: 'string', default: process.env.AF_JWT_ISSUER ?? 'agent-factory' },
    audience: { type: 'string', default: process.env.AF_JWT_AUDIENCE ?? 'agent-factory-api' },
  },
});

let secret = process.env.AF_JWT_SECRET;
if (!secret) {
  try {
    secret = readFileSync(new URL('../.state/jwt-secret', import.meta.url), 'utf8').trim();
  } catch {
    console.error('no AF_JWT_SECRET and no .state/jwt-secret: start the mesh once (npm run mesh:up) or export AF_JWT_SECRET');
    process.exit(1);
  }
}
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const token = await new SignJWT({ tenant: values.tenant, roles: list(values.roles), permissions: list(values.permissions) })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(values.issuer)
  .setAudience(values.audience)
  .setIssuedAt()
  .setExpirationTime(`${Number(values.ttl)}s`)
  .sign(new TextEncoder().encode(secret));
process.stdout.write(token + '\n');
