import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

const root = resolve(import.meta.dirname, '../..');
export const gatewayUrl = () => process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080';
export const logDir = () => process.env['AF_MESH_LOG_DIR'] ?? resolve(root, '.state/logs');

function secret(): string {
  return process.env['AF_JWT_SECRET'] ?? readFileSync(resolve(root, '.state/jwt-secret'), 'utf8').trim();
}

export function newTenant(): string {
  return `e2e-${randomBytes(4).toString('hex')}`;
}

export async function mintToken(claims: { tenant: string; roles?: string[]; sub?: string; expiresIn?: string; key?: string; permissions?: string[] }): Promise<string> {
  return new SignJWT({ tenant: claims.tenant, roles: claims.roles ?? ['Administrator'], permissions: claims.permissions ?? [] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'e2e@acme.test')
    .setIssuer('agent-factory')
    .setAudience('agent-factory-api')
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(claims.key ?? secret()));
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; path?: string; details?: unknown } };
  headers: Headers;
}

export async function api(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string | Uint8Array; type?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.type ?? 'application/yaml';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(gatewayUrl() + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: ApiResponse['body'] = {};
  try {
    parsed = text ? (JSON.parse(text) as ApiResponse['body']) : {};
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function waitForRun(token: string, runId: string, timeoutMs = 30_000): Promise<ApiResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api('GET', `/v1/runs/${runId}`, { token });
    if (['succeeded', 'failed'].includes(String(res.body['status'])) || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Polls `read` until `done` holds or `timeoutMs` passes; returns the last value read (the caller asserts on it). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads the run until it has one of `statuses` (or the time is up). */
export function waitForRunStatus(token: string, runId: string, statuses: readonly string[], timeoutMs = 30_000): Promise<ApiResponse> {
  return until(
    () => api('GET', `/v1/runs/${runId}`, { token }),
    (res) => statuses.includes(String(res.body['status'])),
    timeoutMs,
    150,
  );
}

/** Stores a blueprint (JSON) and deploys its latest version; throws with the answer when either step is refused. */
export async function createAndDeploy(token: string, blueprint: { metadata: { name: string } }): Promise<ApiResponse> {
  const saved = await api('POST', '/v1/blueprints', { token, body: blueprint });
  if (saved.status !== 201) throw new Error(`POST /v1/blueprints ${blueprint.metadata.name} answered ${saved.status}: ${JSON.stringify(saved.body)}`);
  const deployed = await api('POST', `/v1/agents/${blueprint.metadata.name}/deployments`, { token, body: {} });
  if (deployed.status !== 201) throw new Error(`deploy ${blueprint.metadata.name} answered ${deployed.status}: ${JSON.stringify(deployed.body)}`);
  return deployed;
}
