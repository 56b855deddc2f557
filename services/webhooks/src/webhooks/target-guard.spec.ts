import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { addressRefusal, checkTarget, operatorAllowed, staticRefusal, TargetRefused } from './target-guard.js';
import { backoffMs, signatureHeader } from './signature.js';

describe('webhook target rules (SSRF)', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::1', '2001::1', '::10.0.0.1'])(
    'refuses %s',
    (address) => expect(addressRefusal(address)).not.toBeNull(),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('accepts the public address %s', (address) => expect(addressRefusal(address)).toBeNull());

  it('refuses non-http(s), credentials, metadata names, localhost and private literals up front; the operator allowlist (host or host:port) exempts a target', () => {
    expect(staticRefusal(new URL('ftp://example.com/x'), [])).toMatch(/http and https only/);
    expect(staticRefusal(new URL('https://u:p@example.com/x'), [])).toMatch(/credentials/);
    expect(staticRefusal(new URL('http://metadata.google.internal/'), [])).toMatch(/metadata/);
    expect(staticRefusal(new URL('http://localhost:3000/'), [])).toMatch(/loopback/);
    expect(staticRefusal(new URL('http://10.0.0.5/hook'), [])).toMatch(/private/);
    expect(staticRefusal(new URL('http://[::1]:9000/hook'), [])).toMatch(/loopback/);
    expect(staticRefusal(new URL('https://hooks.example.com/in'), [])).toBeNull();
    expect(staticRefusal(new URL('http://127.0.0.1:9000/hook'), ['127.0.0.1'])).toBeNull();
    expect(operatorAllowed(new URL('http://127.0.0.1:9000/hook'), ['127.0.0.1:9001'])).toBe(false);
    expect(operatorAllowed(new URL('http://127.0.0.1:9001/hook'), ['127.0.0.1:9001'])).toBe(true);
    expect(operatorAllowed(new URL('http://[::1]:9001/hook'), ['[::1]:9001'])).toBe(true);
    expect(operatorAllowed(new URL('http://localhost/hook'), ['localhost:80'])).toBe(true);
  });

  it('checks every address a name resolves to and answers the first one to connect to', async () => {
    await expect(checkTarget(new URL('https://hooks.example.com/'), [], async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }])).rejects.toThrow(TargetRefused);
    await expect(checkTarget(new URL('https://hooks.example.com/'), [], async () => [])).rejects.toThrow(/resolves to no address/);
    await expect(checkTarget(new URL('https://hooks.example.com/'), [], async () => Promise.reject(new Error('ENOTFOUND')))).rejects.toThrow(/cannot resolve/);
    await expect(checkTarget(new URL('https://hooks.example.com/'), [], async () => [{ address: '93.184.216.34', family: 4 }])).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });
});

describe('signature and backoff', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 under the secret', () => {
    const header = signatureHeader('s3cret-s3cret-s3cret', '{"a":1}', 1_700_000_000);
    expect(header).toBe(`t=1700000000,v1=${createHmac('sha256', 's3cret-s3cret-s3cret').update('1700000000.{"a":1}').digest('hex')}`);
    expect(signatureHeader('another-secret-value', '{"a":1}', 1_700_000_000)).not.toBe(header);
  });

  it('doubles from the base and is capped', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1_000, 30_000))).toEqual([1_000, 2_000, 4_000, 8_000, 30_000]);
  });
});
