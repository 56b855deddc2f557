import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF rules for webhook targets, the same rules as the worker's sandbox fetch: only public unicast
 * addresses (no loopback, private, link-local — cloud metadata —, carrier-grade NAT, multicast,
 * reserved, IPv4-mapped/compatible, NAT64, 6to4 or Teredo tunnels), and cloud metadata host names
 * whatever they resolve to. The classification is ipaddr.js's special-range table (a maintained
 * list) rather than a hand-kept one.
 *
 * Duplication note: services/worker/src/tools/safe-fetch.ts holds the same policy (with Node's
 * BlockList); services may not import each other's code, so the lead may move both to a lib.
 */

export const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.platformequinix.com',
]);

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/** A target the rules refuse (a delivery failure; on create, INVALID_ARGUMENT at /url). */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

/** Why an IP address may not be reached, or null when it is a public unicast address. */
export function addressRefusal(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.parse(address.replace(/%.*$/, ''));
  const range = parsed.range();
  if (range !== 'unicast') return `${address} is a ${range} address (loopback, private, link-local and reserved addresses are refused)`;
  // ::a.b.c.d (IPv4-compatible, deprecated) is "unicast" to ipaddr.js but reaches an IPv4 host.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return `${address} is an IPv4-compatible IPv6 address`;
  return null;
}

/** The host of a URL without IPv6 brackets and trailing dot, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** The port a URL connects to (its explicit port, else the scheme's). */
export function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Whether the operator allowlist (`host` or `host:port` entries) exempts this URL's target. */
export function operatorAllowed(url: URL, allowHosts: readonly string[]): boolean {
  if (allowHosts.length === 0) return false;
  const host = hostOf(url);
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  const port = portOf(url);
  return allowHosts.some((entry) => entry === host || entry === bracketed || entry === `${host}:${port}` || entry === `${bracketed}:${port}`);
}

/**
 * The checks that need no DNS (create time): http(s), no credentials in the URL, no metadata host,
 * and a literal IP must be public unless the operator allows the target.
 */
export function staticRefusal(url: URL, allowHosts: readonly string[]): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not allowed (http and https only)`;
  if (url.username || url.password) return 'a webhook URL may not carry credentials (user:password@)';
  if (operatorAllowed(url, allowHosts)) return null;
  const host = hostOf(url);
  if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata service`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  if (isIP(host)) return addressRefusal(host);
  return null;
}

/**
 * The address to connect to: the static rules, then every address the name resolves to must be
 * public (unless the operator allows the target). The caller connects to this address, never to a
 * second resolution of the name (no DNS rebinding between check and connect).
 */
export async function checkTarget(url: URL, allowHosts: readonly string[], resolve: Resolver = systemResolver): Promise<{ address: string; family: number }> {
  const refusal = staticRefusal(url, allowHosts);
  if (refusal) throw new TargetRefused(refusal);
  const host = hostOf(url);
  const literal = isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await resolve(host).catch((error: Error) => Promise.reject(new TargetRefused(`cannot resolve ${host}: ${error.message}`)));
  if (addresses.length === 0) throw new TargetRefused(`${host} resolves to no address`);
  if (!operatorAllowed(url, allowHosts)) {
    for (const { address } of addresses) {
      const why = addressRefusal(address);
      if (why) throw new TargetRefused(`${host} refused: ${why}`);
    }
  }
  return addresses[0]!;
}
