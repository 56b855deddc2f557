import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { RequestContext, createLogger, currentTraceId, initTracing, withSpan } from './index.js';

describe(createLogger.name, () => {
  it('stamps each line with tenant, correlation id and the active trace and span ids', async () => {
    initTracing();
    const lines: Record<string, unknown>[] = [];
    const sut = createLogger('svc', 'info', new Writable({ write: (chunk, _enc, cb) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), cb()) }));
    let traceId: string | undefined;
    await RequestContext.run({ tenantId: 'acme', correlationId: 'c-1' }, () =>
      withSpan('work', {}, async () => {
        traceId = currentTraceId();
        sut.info('inside');
      }),
    );
    sut.info('outside');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject({ service: 'svc', level: 'info', tenantId: 'acme', correlationId: 'c-1', traceId, msg: 'inside' });
    expect(lines[0]?.['spanId']).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[1]).toMatchObject({ service: 'svc', msg: 'outside' });
    expect(lines[1]).not.toHaveProperty('traceId');
    expect(lines[1]).not.toHaveProperty('tenantId');
  });

  it('redacts credentials wherever a line carries them', () => {
    const lines: string[] = [];
    const sut = createLogger('svc', 'info', new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    sut.info({ req: { headers: { authorization: 'Bearer eyJ.secret.sig', cookie: 'sid=abc' } }, headers: { authorization: 'Basic dXNlcjpwYXNz' }, options: { password: 'hunter2', token: 't0k3n' } }, 'with credentials');
    const line = JSON.parse(lines[0]!) as Record<string, Record<string, Record<string, string>>>;
    expect(lines[0]).not.toMatch(/eyJ\.secret|sid=abc|dXNlcjpwYXNz|hunter2|t0k3n/);
    expect(line['req']?.['headers']?.['authorization']).toBe('[redacted]');
    expect(line['options']?.['password']).toBe('[redacted]');
  });
});
