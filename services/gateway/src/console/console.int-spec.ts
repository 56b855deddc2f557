import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startGateway } from '../test/harness.js';
import { CONSOLE_CSP, IMMUTABLE, REVALIDATE } from './console.http.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with the path exactly as written (no URL normalization, no automatic decompression). */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const json = (r: Raw) => JSON.parse(r.body.toString('utf8')) as { error: { code: string; message: string } };

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/index-3f2a9c1b.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('agent factory '.repeat(50))});`;
const OUTSIDE = 'outside-the-console-directory';

describe('the web console under /console (real gateway, a built console in a temporary directory)', () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let empty: Awaited<ReturnType<typeof startGateway>>;
  const root = mkdtempSync(join(tmpdir(), 'af-console-'));
  const dist = join(root, 'dist');

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-3f2a9c1b.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'index-3f2a9c1b.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(dist, 'assets', 'index-3f2a9c1b.css'), 'body{margin:0}');
    writeFileSync(join(root, 'secret.txt'), OUTSIDE);
    gw = await startGateway({ env: { GATEWAY_CONSOLE_DIR: dist } });
    empty = await startGateway({ env: { GATEWAY_CONSOLE_DIR: join(root, 'not-built') } });
  });

  afterAll(async () => {
    await gw?.service.close();
    await empty?.service.close();
    rmSync(root, { recursive: true, force: true });
  });

  const expectSecurityHeaders = (r: Raw) => {
    expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  };

  it('GET /console and /console/ serve index.html without a credential, revalidated, with the security headers and no rate-limit headers', async () => {
    for (const path of ['/console', '/console/']) {
      const r = await raw(gw.url, path);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.body.toString()).toBe(INDEX);
      expect(r.headers['cache-control']).toBe(REVALIDATE);
      expectSecurityHeaders(r);
      expect(r.headers['ratelimit-limit']).toBeUndefined();
    }
    expect(CONSOLE_CSP).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
  });

  it('a hashed asset is cached for a year; its .gz is served to a client that accepts gzip, the plain file to one that does not', async () => {
    const gz = await raw(gw.url, '/console/assets/index-3f2a9c1b.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/javascript/);
    expect(gz.headers['cache-control']).toBe(IMMUTABLE);
    expect(gz.headers['vary']).toMatch(/accept-encoding/i);
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    expectSecurityHeaders(gz);

    const plain = await raw(gw.url, '/console/assets/index-3f2a9c1b.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe(IMMUTABLE);

    const css = await raw(gw.url, '/console/assets/index-3f2a9c1b.css', { headers: { 'accept-encoding': 'gzip, br' } });
    expect({ status: css.status, encoding: css.headers['content-encoding'], type: css.headers['content-type'], body: css.body.toString() }).toEqual({
      status: 200,
      encoding: undefined,
      type: expect.stringMatching(/^text\/css/),
      body: 'body{margin:0}',
    });
  });

  it('HEAD works like GET without a body', async () => {
    const r = await raw(gw.url, '/console/assets/index-3f2a9c1b.js', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('a path that is no file is a client-side route: index.html (revalidated); a missing hashed asset is 404', async () => {
    for (const path of ['/console/agents', '/console/agents/lead-qualifier', '/console/runs/r-1?tab=steps', '/console/approvals/']) {
      const r = await raw(gw.url, path, { headers: { 'accept-encoding': 'gzip' } });
      expect({ path, status: r.status, body: r.body.toString(), cache: r.headers['cache-control'] }).toEqual({ path, status: 200, body: INDEX, cache: REVALIDATE });
      expectSecurityHeaders(r);
    }
    const missing = await raw(gw.url, '/console/assets/index-00000000.js');
    expect(missing.status).toBe(404);
    expect(json(missing).error.code).toBe('NOT_FOUND');
    expect(missing.headers['cache-control']).toBe(REVALIDATE);
  });

  it('a path leaving the directory never reaches a file outside it', async () => {
    for (const path of ['/console/../secret.txt', '/console/assets/../../secret.txt', '/console/%2e%2e/secret.txt', '/console/..%2fsecret.txt', '/console/assets/..%2f..%2fsecret.txt', '/console/../package.json', '/console/./index.html', '/console//etc/passwd']) {
      const r = await raw(gw.url, path);
      expect({ path, leaked: r.body.toString().includes(OUTSIDE) || r.body.toString().includes('"name"') || r.body.toString().includes('root:') }).toEqual({ path, leaked: false });
      // A refused path is a 404 in the API's error body, or (normalized by the router) the SPA's index.
      if (r.status !== 200) expect({ path, status: r.status, code: json(r).error.code }).toEqual({ path, status: 404, code: 'NOT_FOUND' });
      else expect({ path, body: r.body.toString() }).toEqual({ path, body: INDEX });
    }
  });

  it('only GET and HEAD: another method under /console is no console route (401 without a credential, as any unknown route)', async () => {
    const r = await raw(gw.url, '/console/agents', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect({ status: r.status, code: json(r).error.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(r.body.toString()).not.toContain(INDEX);
  });

  it('the request metrics count every console file under one route label, not one per path', async () => {
    await raw(gw.url, '/console/assets/index-3f2a9c1b.css');
    await raw(gw.url, '/console/some/client/route');
    const metrics = (await raw(gw.url, '/metrics')).body.toString();
    const consoleLines = metrics.split('\n').filter((l) => l.startsWith('af_http_requests_total') && l.includes('/console'));
    expect(consoleLines.length).toBeGreaterThan(0);
    expect(metrics).not.toContain('index-3f2a9c1b');
    expect(metrics).not.toContain('lead-qualifier');
    expect(metrics).not.toContain('some/client/route');
    expect(new Set(consoleLines.map((l) => /route="([^"]*)"/.exec(l)?.[1]))).toEqual(new Set(['/console', '/console/*']));
  });

  it('while the console is not built, /console and any path under it answer 404 NOT_FOUND saying how to build it', async () => {
    for (const path of ['/console', '/console/', '/console/agents', '/console/assets/index-3f2a9c1b.js']) {
      const r = await raw(empty.url, path);
      expect({ path, status: r.status, type: r.headers['content-type'] }).toEqual({ path, status: 404, type: 'application/json; charset=utf-8' });
      const { error } = json(r);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('not built');
      expect(error.message).toContain('npm run build');
      expectSecurityHeaders(r);
    }
  });
});
