import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NetworkRefused, SafeFetch, addressRefusal, hostAllowed } from './safe-fetch.js';

const limits = { maxResponseBytes: 1_000, maxRequestBytes: 1_000, timeoutMs: 2_000, maxRedirects: 2 };

/** A resolver that never touches the network: the test says what each name resolves to. */
function resolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses) throw new Error(`ENOTFOUND ${host}`);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { asked, resolve };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NetworkRefused);
  return (error as Error).message;
}

describe(SafeFetch.name, () => {
  describe('refusals (nothing is ever connected to)', () => {
    const dns = resolver({ 'api.example.com': ['93.184.216.34'], 'internal.example.com': ['10.0.0.5'], 'mixed.example.com': ['93.184.216.34', '192.168.1.10'], 'v6.example.com': ['fd00:ec2::254'] });
    const sut = new SafeFetch(limits, dns.resolve);
    const all = ['*.example.com', '169.254.169.254', '127.0.0.1', 'metadata.google.internal', 'localhost', '0.0.0.0', '::1'];

    it('refuses hosts that are not on the allowlist, before resolving them', async () => {
      expect(await refusal(sut.fetch({ url: 'https://evil.test/x' }, ['api.example.com']))).toContain('not on the blueprint\'s network allowlist');
      expect(await refusal(sut.fetch({ url: 'https://example.com/' }, ['*.example.com']))).toContain('not on the blueprint\'s network allowlist');
      expect(dns.asked).toEqual([]);
    });

    it('refuses metadata services, loopback, link-local and private addresses, literal or resolved', async () => {
      expect(await refusal(sut.fetch({ url: 'http://169.254.169.254/latest/meta-data/' }, all))).toContain('169.254.169.254 is a loopback, private, link-local or reserved address');
      expect(await refusal(sut.fetch({ url: 'http://metadata.google.internal/computeMetadata/v1/' }, all))).toContain('cloud metadata service');
      expect(await refusal(sut.fetch({ url: 'http://127.0.0.1:4222' }, all))).toContain('127.0.0.1 is a loopback');
      expect(await refusal(sut.fetch({ url: 'http://0.0.0.0:8080' }, all))).toContain('reserved address');
      expect(await refusal(sut.fetch({ url: 'http://[::1]:4222/' }, all))).toContain('::1 is a loopback');
      expect(await refusal(sut.fetch({ url: 'http://internal.example.com/' }, all))).toContain('10.0.0.5');
      expect(await refusal(sut.fetch({ url: 'http://mixed.example.com/' }, all))).toContain('192.168.1.10');
      expect(await refusal(sut.fetch({ url: 'http://v6.example.com/' }, all))).toContain('fd00:ec2::254');
      expect(await refusal(sut.fetch({ url: 'ftp://api.example.com/' }, all))).toContain('http and https only');
      expect(await refusal(sut.fetch({ url: 'https://api.example.com/', method: 'CONNECT' }, all))).toContain('method CONNECT');
      expect(await refusal(sut.fetch({ url: 'https://api.example.com/', method: 'POST', body: 'x'.repeat(2_000) }, all))).toContain('request body is larger');
    });

    it('refuses IPv6 forms that reach IPv4 loopback/private/metadata: compatible, mapped, translated, 6to4, Teredo, NAT64', async () => {
      const forms = [
        '::127.0.0.1', '::7f00:1', '::10.0.0.1', '::a9fe:a9fe', // IPv4-compatible
        '::ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:1', '::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe', // mapped, translated
        '2002:7f00:1::1', '2002:a9fe:a9fe::', '2002:c0a8:101::42', '2002:a00:1::', // 6to4 of 127.0.0.1, 169.254.169.254, 192.168.1.1, 10.0.0.1
        '2001:0:4136:e378:8000:63bf:80ff:fffe', '2001::1', // Teredo
        '64:ff9b::7f00:1', '64:ff9b::169.254.169.254', '64:ff9b:1::a00:1', // NAT64
      ];
      for (const form of forms) expect([form, addressRefusal(form)]).toEqual([form, expect.any(String)]);
      for (const url of ['http://[::127.0.0.1]/', 'http://[::ffff:127.0.0.1]:4222/', 'http://[2002:a9fe:a9fe::1]/latest/meta-data/', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'http://[64:ff9b::a9fe:a9fe]/']) {
        expect([url, await refusal(sut.fetch({ url }, [new URL(url).hostname.replace(/^\[|\]$/g, '')]))]).toEqual([url, expect.stringMatching(/refused: .* (loopback|6to4)/)]);
      }
      const dns6 = resolver({ 'sneaky.example.com': ['2002:7f00:1::1'] });
      expect(await refusal(new SafeFetch(limits, dns6.resolve).fetch({ url: 'http://sneaky.example.com/' }, ['sneaky.example.com']))).toContain('6to4 address of 127.0.0.1');
    });

    it('classifies addresses and matches allowlist entries', () => {
      for (const blocked of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '::1', 'fc00::1', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '224.0.0.1']) {
        expect([blocked, addressRefusal(blocked)]).toEqual([blocked, expect.any(String)]);
      }
      for (const open of ['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111', '2002:5db8:d822::1', '2001:4860:4860::8888']) expect(addressRefusal(open)).toBeNull();
      expect(hostAllowed('API.Example.com.', ['api.example.com'])).toBe(true);
      expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
      expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
      expect(hostAllowed('badexample.com', ['*.example.com'])).toBe(false);
    });
  });

  describe('an allowed fetch, against a local server (test-only exemption of 127.0.0.1)', () => {
    let server: http.Server;
    let port = 0;
    const requests: { url: string; host: string; method: string; body: string }[] = [];
    const credentials: { url: string; authorization?: string; cookie?: string }[] = [];

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          requests.push({ url: req.url ?? '', host: req.headers.host ?? '', method: req.method ?? '', body });
          credentials.push({ url: `${req.headers.host}${req.url}`, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}) });
          if (req.url === '/to-other-origin') return res.writeHead(302, { location: `http://other.api.test:${port}/echo` }).end();
          if (req.url === '/to-same-origin') return res.writeHead(307, { location: '/echo' }).end();
          if (req.url === '/big') return res.end('x'.repeat(5_000));
          if (req.url === '/to-evil') return res.writeHead(302, { location: 'http://evil.test/' }).end();
          if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
          if (req.url === '/to-ok') return res.writeHead(303, { location: `http://other.api.test:${port}/ok` }).end();
          return res.writeHead(200, { 'content-type': 'application/json', 'x-seen': 'yes' }).end(JSON.stringify({ ok: true, path: req.url }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('connects to the checked address (resolved once per hop), sends the request and caps the response', async () => {
      const dns = resolver({ 'api.test': ['127.0.0.1'], 'other.api.test': ['127.0.0.1'] });
      const sut = new SafeFetch({ ...limits, unsafeAllowAddressesForTests: ['127.0.0.1'] }, dns.resolve);
      const allow = ['api.test', '*.api.test', '169.254.169.254'];

      const res = await sut.fetch({ url: `http://api.test:${port}/hello?q=1`, method: 'POST', headers: { 'content-type': 'text/plain', host: 'forged' }, body: 'hi' }, allow);
      expect(res).toMatchObject({ status: 200, url: `http://api.test:${port}/hello?q=1`, redirected: false, body: '{"ok":true,"path":"/hello?q=1"}' });
      expect(res.headers).toContainEqual(['x-seen', 'yes']);
      expect(requests.at(-1)).toEqual({ url: '/hello?q=1', host: `api.test:${port}`, method: 'POST', body: 'hi' });
      expect(dns.asked).toEqual(['api.test']);

      const followed = await sut.fetch({ url: `http://api.test:${port}/to-ok`, method: 'POST', body: 'x' }, allow);
      expect(followed).toMatchObject({ status: 200, redirected: true, url: `http://other.api.test:${port}/ok` });
      expect(requests.at(-1)).toMatchObject({ method: 'GET', host: `other.api.test:${port}`, body: '' });

      expect(await refusal(sut.fetch({ url: `http://api.test:${port}/to-evil` }, allow))).toContain('redirect to evil.test refused');
      expect(await refusal(sut.fetch({ url: `http://api.test:${port}/to-metadata` }, allow))).toContain('169.254.169.254 is a loopback, private, link-local or reserved address');
      expect(await refusal(sut.fetch({ url: `http://api.test:${port}/big` }, allow))).toContain('response is larger than 1000 bytes');
    });

    it('sends Authorization and Cookie on a same-origin redirect, never on a redirect to another origin', async () => {
      const dns = resolver({ 'api.test': ['127.0.0.1'], 'other.api.test': ['127.0.0.1'] });
      const sut = new SafeFetch({ ...limits, unsafeAllowAddressesForTests: ['127.0.0.1'] }, dns.resolve);
      const secrets = { Authorization: 'Bearer secret-token', Cookie: 'session=abc', 'X-Trace': 'keep' };
      credentials.length = 0;
      await sut.fetch({ url: `http://api.test:${port}/to-same-origin`, headers: secrets }, ['api.test', '*.api.test']);
      await sut.fetch({ url: `http://api.test:${port}/to-other-origin`, headers: secrets }, ['api.test', '*.api.test']);
      expect(credentials).toEqual([
        { url: `api.test:${port}/to-same-origin`, authorization: 'Bearer secret-token', cookie: 'session=abc' },
        { url: `api.test:${port}/echo`, authorization: 'Bearer secret-token', cookie: 'session=abc' },
        { url: `api.test:${port}/to-other-origin`, authorization: 'Bearer secret-token', cookie: 'session=abc' },
        { url: `other.api.test:${port}/echo` },
      ]);
    });

    it('refuses the same server without the exemption', async () => {
      const sut = new SafeFetch(limits, resolver({ 'api.test': ['127.0.0.1'] }).resolve);
      expect(await refusal(sut.fetch({ url: `http://api.test:${port}/hello` }, ['api.test']))).toContain('127.0.0.1 is a loopback');
    });
  });
});
