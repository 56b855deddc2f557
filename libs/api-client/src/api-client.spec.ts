import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, apiErrorFrom, createAfClient, followRun, locateYamlPath } from './index.js';

const BLUEPRINT = `apiVersion: agentfactory.io/v1
kind: Agent
metadata:
  name: lead-qualifier
spec:
  model:
    provider: offline
    name: echo
  tools:
    - name: lookup
      code: |
        return 1;
    - name: score
`;

describe('locateYamlPath', () => {
  it('finds a field at its key', () => {
    expect(locateYamlPath(BLUEPRINT, '/spec/model/provider')).toEqual({ line: 7, column: 5, approximate: false });
    expect(locateYamlPath(BLUEPRINT, '/metadata/name')).toEqual({ line: 4, column: 3, approximate: false });
  });

  it('finds an array item and a field inside it', () => {
    expect(locateYamlPath(BLUEPRINT, '/spec/tools/1')?.line).toBe(13);
    expect(locateYamlPath(BLUEPRINT, '/spec/tools/0/code')?.line).toBe(11);
  });

  it('points a missing field at its nearest existing parent', () => {
    expect(locateYamlPath(BLUEPRINT, '/spec/model/temperature')).toEqual({ line: 6, column: 3, approximate: true });
    expect(locateYamlPath(BLUEPRINT, '/spec/tools/7/name')).toEqual({ line: 9, column: 3, approximate: true });
  });

  it('decodes ~1 and ~0 in pointer segments', () => {
    expect(locateYamlPath('a:\n  "x/y": 1\n  "t~": 2\n', '/a/x~1y')?.line).toBe(2);
    expect(locateYamlPath('a:\n  "x/y": 1\n  "t~": 2\n', '/a/t~0')?.line).toBe(3);
  });

  it('the root for an empty pointer', () => {
    expect(locateYamlPath(BLUEPRINT, '')).toEqual({ line: 1, column: 1, approximate: false });
  });
});

describe('apiErrorFrom', () => {
  it('takes code, message, path and Retry-After from the error body', () => {
    const error = apiErrorFrom(429, { error: { code: 'RATE_LIMITED', message: 'slow down', path: '/x' } }, new Headers({ 'retry-after': '3' }));
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.message, error.path, error.retryAfterSec]).toEqual([429, 'RATE_LIMITED', 'slow down', '/x', 3]);
    expect(error.describe()).toBe('RATE_LIMITED: slow down (at /x)');
  });

  it('derives a code from the status when the body has none', () => {
    expect(apiErrorFrom(404, '<html>').code).toBe('NOT_FOUND');
    expect(apiErrorFrom(500, undefined).code).toBe('INTERNAL');
  });
});

describe('the client against a local server', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { url: string; authorization: string | undefined; lastEventId: string | undefined }[] = [];
  let streamCalls = 0;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization, lastEventId: req.headers['last-event-id'] as string | undefined });
      if (req.url === '/v1/runs/r1') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ runId: 'r1', status: 'succeeded' }));
      } else if (req.url === '/v1/runs/missing') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no run missing', path: '/runId' } }));
      } else if (req.url === '/v1/runs/r2/events') {
        streamCalls++;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (streamCalls === 1) {
          // First connection: two transitions, a token, then the server's stream time is up.
          res.write('id: 1\nevent: transition\ndata: {"seq":1,"to":"queued"}\n\n');
          res.write('event: token\ndata: {"text":"he');
          res.write('llo"}\n\nid: 2\nevent: transition\ndata: {"seq":2,"to":"running"}\n\n');
          res.end('event: end\ndata: {"runId":"r2","status":"running","final":false}\n\n');
        } else {
          res.write('id: 3\nevent: transition\ndata: {"seq":3,"to":"succeeded"}\n\n');
          res.end('event: end\ndata: {"runId":"r2","status":"succeeded","final":true}\n\n');
        }
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the credential and returns typed data', async () => {
    const client = createAfClient({ baseUrl, credential: () => 'afk_test' });
    const { data } = await client.GET('/v1/runs/{runId}', { params: { path: { runId: 'r1' } } });
    expect(data).toEqual({ runId: 'r1', status: 'succeeded' });
    expect(seen.at(-1)?.authorization).toBe('Bearer afk_test');
  });

  it('rejects an error answer with the ApiError of its body', async () => {
    const client = createAfClient({ baseUrl });
    const error = await client.GET('/v1/runs/{runId}', { params: { path: { runId: 'missing' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).describe()).toBe('NOT_FOUND: no run missing (at /runId)');
  });

  it('an unreachable gateway is UNAVAILABLE with status 0', async () => {
    const client = createAfClient({ baseUrl: 'http://127.0.0.1:1' });
    const error = await client.GET('/v1/runs/{runId}', { params: { path: { runId: 'r1' } } }).catch((e: unknown) => e);
    expect([(error as ApiError).status, (error as ApiError).code]).toEqual([0, 'UNAVAILABLE']);
  });

  it('follows a run across a reconnect, resuming after the last transition', async () => {
    const events = [];
    for await (const event of followRun({ baseUrl, credential: () => 'tok' }, 'r2')) events.push(`${event.event}:${JSON.stringify(event.data)}`);
    expect(events).toEqual([
      'transition:{"seq":1,"to":"queued"}',
      'token:{"text":"hello"}',
      'transition:{"seq":2,"to":"running"}',
      'end:{"runId":"r2","status":"running","final":false}',
      'transition:{"seq":3,"to":"succeeded"}',
      'end:{"runId":"r2","status":"succeeded","final":true}',
    ]);
    const streams = seen.filter((s) => s.url === '/v1/runs/r2/events');
    expect(streams.map((s) => s.lastEventId)).toEqual([undefined, '2']);
    expect(streams[0]?.authorization).toBe('Bearer tok');
  });
});
