import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Why a request was not sent (or not followed): an SSRF guard, not a network failure. */
export class NetworkRefused extends Error {
  override readonly name = 'NetworkRefused';
}

export interface SafeFetchOptions {
  /** Largest response body read; a larger one fails the request. */
  maxResponseBytes: number;
  /** Largest request body sent. */
  maxRequestBytes: number;
  /** Time for the whole request, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
  /**
   * TEST ONLY: exact IP addresses exempt from the address-range checks (e.g. `127.0.0.1` for a
   * local test server). Production never sets it: it comes from WORKER_FETCH_UNSAFE_ALLOW_ADDRESSES,
   * empty by default, set only by end-to-end test meshes.
   */
  unsafeAllowAddressesForTests?: readonly string[];
}

export interface FetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Names of headers the platform added (credentials from the secrets service): like
   * `authorization` and `cookie`, never sent on after a redirect to another origin.
   */
  credentialHeaders?: readonly string[];
}

export interface FetchResponse {
  status: number;
  statusText: string;
  url: string;
  redirected: boolean;
  headers: [string, string][];
  body: string;
}

type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

/**
 * Loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast, reserved. One list
 * per family: a BlockList checks IPv4 addresses against IPv6 rules as IPv4-mapped addresses, so a
 * shared list with `::ffff:0:0/96` would refuse every IPv4 address.
 */
const BLOCKED_V4 = new BlockList();
const BLOCKED_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED_V4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  // Unspecified, loopback and IPv4-compatible (`::a.b.c.d`, deprecated) addresses.
  ['::', 96],
  // IPv4-mapped and -translated addresses would reach IPv4 ranges through IPv6: refused outright.
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  // NAT64 (well-known and local-use prefixes): the gateway would connect to the embedded IPv4.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  // Teredo tunnels (the client's IPv4 is obfuscated in the address): no API lives there.
  ['2001::', 32],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED_V6.addSubnet(net, prefix, 'ipv6');
}

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com', 'metadata.platformequinix.com']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: dropped when a redirect changes origin (scheme, host or port). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const DROPPED_REQUEST_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'keep-alive']);

/** Whether `host` is on the allowlist: an exact name, or `*.example.com` for its subdomains. */
export function hostAllowed(host: string, allowHosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowHosts.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry));
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address a 6to4 address (2002:AABB:CCDD::/48) tunnels to. */
function sixToFourTarget(groups: number[]): string {
  const [, hi = 0, lo = 0] = groups;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** Why an address may not be reached, or null. */
export function addressRefusal(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 4 ? BLOCKED_V4.check(address, 'ipv4') : BLOCKED_V6.check(address, 'ipv6')) return `${address} is a loopback, private, link-local or reserved address`;
  if (family === 6) {
    const groups = ipv6Groups(address);
    // 6to4: the relay delivers to the embedded IPv4, so that address must pass the IPv4 rules.
    if (groups[0] === 0x2002) {
      const target = sixToFourTarget(groups);
      if (BLOCKED_V4.check(target, 'ipv4')) return `${address} is a 6to4 address of ${target}, a loopback, private, link-local or reserved address`;
    }
  }
  return null;
}

/**
 * The `fetch` behind the sandbox's bridge, hardened against SSRF: only http(s) to hosts on the
 * blueprint's allowlist; metadata host names refused; every address the name resolves to must be
 * public, and the connection goes to the checked address (no second resolution, so no DNS
 * rebinding); each redirect is checked the same way; request and response sizes and the total
 * time are capped.
 */
export class SafeFetch {
  private readonly exempt: ReadonlySet<string>;

  constructor(
    private readonly options: SafeFetchOptions,
    private readonly resolve: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true }),
  ) {
    this.exempt = new Set(options.unsafeAllowAddressesForTests ?? []);
  }

  /** `maxResponseBytes` lowers the response cap for this request (a run's remaining budget). */
  async fetch(request: FetchRequest, allowHosts: readonly string[], signal?: AbortSignal, maxResponseBytes = this.options.maxResponseBytes): Promise<FetchResponse> {
    const cap = Math.min(maxResponseBytes, this.options.maxResponseBytes);
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let method = (request.method ?? 'GET').toUpperCase();
    if (!/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(method)) throw new NetworkRefused(`method ${method} is not allowed`);
    let body = request.body;
    if (body !== undefined && Buffer.byteLength(body, 'utf8') > this.options.maxRequestBytes) throw new NetworkRefused(`request body is larger than ${this.options.maxRequestBytes} bytes`);
    let headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([k]) => !DROPPED_REQUEST_HEADERS.has(k.toLowerCase())));
    let url = this.parse(request.url);
    const credentials = new Set([...CREDENTIAL_HEADERS, ...(request.credentialHeaders ?? []).map((h) => h.toLowerCase())]);
    for (let hop = 0; ; hop++) {
      const address = await this.check(url, allowHosts);
      const response = await this.send(url, address, method, headers, body, abort, cap);
      const location = response.headers.find(([k]) => k === 'location')?.[1];
      if (!REDIRECTS.has(response.status) || location === undefined) return { ...response, url: url.toString(), redirected: hop > 0 };
      if (hop >= this.options.maxRedirects) throw new NetworkRefused(`more than ${this.options.maxRedirects} redirects`);
      let next: URL;
      try {
        next = this.parse(new URL(location, url).toString());
      } catch (error) {
        throw new NetworkRefused(`redirect to ${location} refused: ${(error as Error).message}`);
      }
      if (!hostAllowed(next.hostname, allowHosts)) throw new NetworkRefused(`redirect to ${next.host} refused: host is not on the blueprint's network allowlist`);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      // Credentials are for the origin they were given to: a redirect elsewhere does not get them.
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !credentials.has(k.toLowerCase())));
      url = next;
    }
  }

  private parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new NetworkRefused(`"${raw.slice(0, 200)}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NetworkRefused(`${url.protocol} URLs are not allowed (http and https only)`);
    return url;
  }

  /** The address to connect to, after the allowlist, the metadata names and every resolved address pass. */
  private async check(url: URL, allowHosts: readonly string[]): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    if (METADATA_HOSTS.has(host.replace(/\.$/, ''))) throw new NetworkRefused(`${host} is a cloud metadata service`);
    if (!hostAllowed(host, allowHosts)) throw new NetworkRefused(`${host} is not on the blueprint's network allowlist (spec.network.allowHosts)`);
    const literal = isIP(host);
    const addresses = literal ? [{ address: host, family: literal }] : await this.resolve(host).catch((error: Error) => Promise.reject(new NetworkRefused(`cannot resolve ${host}: ${error.message}`)));
    if (addresses.length === 0) throw new NetworkRefused(`${host} resolves to no address`);
    for (const { address } of addresses) {
      if (this.exempt.has(address)) continue;
      const refusal = addressRefusal(address);
      if (refusal) throw new NetworkRefused(`${host} refused: ${refusal}`);
    }
    return addresses[0] as { address: string; family: number };
  }

  private send(url: URL, pinned: { address: string; family: number }, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, cap: number): Promise<Omit<FetchResponse, 'url' | 'redirected'>> {
    // Connect to the address that was checked, never to a fresh resolution of the name.
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) }, lookup, signal, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > cap) {
              res.destroy();
              reject(new NetworkRefused(`response is larger than ${cap} bytes${cap < this.options.maxResponseBytes ? " (what is left of the run's fetch budget)" : ''}`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const out: [string, string][] = [];
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.push([k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]);
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: out, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', (error) => reject(signal.aborted ? new Error(`request to ${url.host} did not finish within ${this.options.timeoutMs} ms or was cancelled`) : error));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
