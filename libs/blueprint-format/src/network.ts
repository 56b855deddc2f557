import type { ArtifactCredential } from '@af/contracts';
import { ALLOWED_HOST, isSecretName, normalizeHost } from './names.js';

/**
 * `spec.network`: which hosts tool code may call (`allowHosts`) and which headers the platform
 * adds to calls to some of them (`credentials`, values from the secrets service at call time).
 * Validation reports these problems, compilation refuses them, the worker matches hosts with
 * the same functions.
 */

/** At most this many `spec.network.credentials` entries. */
export const MAX_CREDENTIALS = 16;
/** At most this many headers per credentials entry. */
export const MAX_CREDENTIAL_HEADERS = 8;
/** At most this many hosts per credentials entry (the allowlist syntax). */
export const MAX_CREDENTIAL_HOSTS = 32;
/** Longest `prefix` (e.g. `Bearer `), in characters. */
export const MAX_CREDENTIAL_PREFIX = 64;
/** A header name: an HTTP token (RFC 9110 §5.6.2), at most 128 characters. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** A prefix: printable ASCII (space included), so the header value stays a valid field value. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Header names a credential may not set: hop-by-hop and framing headers the HTTP client owns
 * (they are dropped from every outgoing request anyway). `cookie` and `authorization` are allowed.
 */
export const FORBIDDEN_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
]);

export type NetworkProblemCode =
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIALS_TOO_MANY'
  | 'CREDENTIAL_HOST_INVALID'
  | 'CREDENTIAL_HOST_NOT_ALLOWED'
  | 'CREDENTIAL_HEADER_INVALID'
  | 'CREDENTIAL_HEADER_FORBIDDEN'
  | 'CREDENTIAL_SECRET_INVALID'
  | 'CREDENTIAL_PREFIX_INVALID';

/** One problem of `spec.network.credentials`, at a JSON Pointer into the blueprint. */
export interface NetworkProblem {
  code: NetworkProblemCode;
  path: string;
  message: string;
}

export type NetworkCredential = ArtifactCredential;

const BASE = '/spec/network/credentials';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const preview = (s: string) => JSON.stringify(s.length > 64 ? `${s.slice(0, 61)}...` : s);

/**
 * Whether `host` (a request's host name) is matched by an allowHosts-syntax entry: the exact
 * name, or `*.example.com` for any subdomain of example.com (not example.com itself).
 */
export function hostMatches(host: string, entry: string): boolean {
  const name = normalizeHost(host);
  if (!entry.startsWith('*.')) return name === entry;
  const suffix = entry.slice(1);
  return name.endsWith(suffix) && name.length > suffix.length;
}

/**
 * Whether a credential entry's host (itself allowHosts syntax) is reachable under `allowHosts`:
 * listed as such, or inside a wildcard (`api.example.com` and `*.a.example.com` are inside
 * `*.example.com`; `example.com` is not).
 */
export function hostCovered(entry: string, allowHosts: readonly string[]): boolean {
  return allowHosts.some((allowed) => {
    if (allowed === entry) return true;
    if (!allowed.startsWith('*.')) return false;
    const suffix = allowed.slice(1);
    const name = entry.startsWith('*.') ? entry.slice(1) : entry;
    return name.endsWith(suffix) && name.length > suffix.length;
  });
}

/**
 * Checks and normalizes `spec.network.credentials` (`raw`, any JSON) against the normalized
 * `allowHosts`. Hosts are normalized like allowHosts (lower case, no trailing dot) and sorted;
 * header names are lower-cased (HTTP header names are case-insensitive; two names that differ
 * only in case are a problem). `credentials` is undefined when the blueprint declares none (or
 * an empty list), so an artifact without credentials keeps its shape and hash.
 */
export function checkCredentials(raw: unknown, allowHosts: readonly string[]): { credentials: NetworkCredential[] | undefined; problems: NetworkProblem[] } {
  const problems: NetworkProblem[] = [];
  const problem = (code: NetworkProblemCode, path: string, message: string) => problems.push({ code, path, message });
  if (raw === undefined || raw === null) return { credentials: undefined, problems };
  if (!Array.isArray(raw)) {
    problem('CREDENTIALS_INVALID', BASE, 'spec.network.credentials must be a list of {hosts, headers} entries');
    return { credentials: undefined, problems };
  }
  if (raw.length > MAX_CREDENTIALS) problem('CREDENTIALS_TOO_MANY', BASE, `spec.network.credentials has ${raw.length} entries; at most ${MAX_CREDENTIALS} are allowed`);
  const allowed = allowHosts.map(normalizeHost);
  const credentials: NetworkCredential[] = [];
  raw.slice(0, MAX_CREDENTIALS).forEach((entry, i) => {
    const at = `${BASE}/${i}`;
    const human = `spec.network.credentials[${i}]`;
    if (!isObject(entry)) {
      problem('CREDENTIALS_INVALID', at, `${human} must be an object with "hosts" and "headers"`);
      return;
    }
    for (const key of Object.keys(entry)) if (key !== 'hosts' && key !== 'headers') problem('CREDENTIALS_INVALID', `${at}/${escapeSegment(key)}`, `${human}.${key} is not a known property (allowed: hosts, headers)`);
    const hosts = checkHosts(entry['hosts'], at, human, allowed, problem);
    const headers = checkHeaders(entry['headers'], at, human, problem);
    if (hosts && headers) credentials.push({ hosts, headers });
  });
  return { credentials: problems.length === 0 && credentials.length > 0 ? credentials : undefined, problems };
}

function checkHosts(raw: unknown, at: string, human: string, allowed: readonly string[], problem: (code: NetworkProblemCode, path: string, message: string) => void): string[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    problem('CREDENTIALS_INVALID', `${at}/hosts`, `${human}.hosts must be a non-empty list of hosts (allowHosts syntax, e.g. api.example.com or *.example.com)`);
    return undefined;
  }
  if (raw.length > MAX_CREDENTIAL_HOSTS) {
    problem('CREDENTIALS_TOO_MANY', `${at}/hosts`, `${human}.hosts has ${raw.length} hosts; at most ${MAX_CREDENTIAL_HOSTS} are allowed`);
    return undefined;
  }
  let ok = true;
  const hosts = raw.map((value, j) => {
    const host = typeof value === 'string' ? normalizeHost(value) : '';
    if (!ALLOWED_HOST.test(host)) {
      ok = false;
      problem('CREDENTIAL_HOST_INVALID', `${at}/hosts/${j}`, `${human}.hosts[${j}] must be a host name like "api.example.com" or "*.example.com"`);
    } else if (!hostCovered(host, allowed)) {
      ok = false;
      problem('CREDENTIAL_HOST_NOT_ALLOWED', `${at}/hosts/${j}`, `${human}.hosts[${j}] "${host}" is not covered by spec.network.allowHosts: credentials go only to hosts the agent may call`);
    }
    return host;
  });
  return ok ? [...new Set(hosts)].sort() : undefined;
}

function checkHeaders(raw: unknown, at: string, human: string, problem: (code: NetworkProblemCode, path: string, message: string) => void): NetworkCredential['headers'] | undefined {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    problem('CREDENTIALS_INVALID', `${at}/headers`, `${human}.headers must be an object of header name → { secret, prefix? } with at least one header`);
    return undefined;
  }
  const names = Object.keys(raw);
  if (names.length > MAX_CREDENTIAL_HEADERS) {
    problem('CREDENTIALS_TOO_MANY', `${at}/headers`, `${human}.headers has ${names.length} headers; at most ${MAX_CREDENTIAL_HEADERS} are allowed`);
    return undefined;
  }
  let ok = true;
  const fail = (code: NetworkProblemCode, path: string, message: string) => {
    ok = false;
    problem(code, path, message);
  };
  const headers: NetworkCredential['headers'] = {};
  const seen = new Map<string, string>();
  for (const name of names) {
    const path = `${at}/headers/${escapeSegment(name)}`;
    const where = `${human}.headers[${preview(name)}]`;
    const lower = name.toLowerCase();
    if (!HTTP_TOKEN.test(name)) fail('CREDENTIAL_HEADER_INVALID', path, `${where}: ${preview(name)} is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only, at most 128)`);
    else if (FORBIDDEN_CREDENTIAL_HEADERS.has(lower)) fail('CREDENTIAL_HEADER_FORBIDDEN', path, `${where}: the header "${lower}" is set by the HTTP client (hop-by-hop or framing); a credential may not set it`);
    else if (seen.has(lower)) fail('CREDENTIAL_HEADER_INVALID', path, `${where}: the header is already set as ${preview(seen.get(lower) as string)} (header names are case-insensitive)`);
    seen.set(lower, name);
    const spec = raw[name];
    if (!isObject(spec)) {
      fail('CREDENTIALS_INVALID', path, `${where} must be { secret: <name>, prefix?: <text> }`);
      continue;
    }
    for (const key of Object.keys(spec)) if (key !== 'secret' && key !== 'prefix') fail('CREDENTIALS_INVALID', `${path}/${escapeSegment(key)}`, `${where}.${key} is not a known property (allowed: secret, prefix)`);
    const secret = spec['secret'];
    if (!isSecretName(secret)) {
      fail('CREDENTIAL_SECRET_INVALID', `${path}/secret`, `${where}.secret must name a secret (a letter, then letters, digits, _ . -; at most 128 characters)${typeof secret === 'string' ? `, got ${preview(secret)}` : ''}`);
      continue;
    }
    const prefix = spec['prefix'];
    if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length > MAX_CREDENTIAL_PREFIX || !PRINTABLE.test(prefix))) {
      fail('CREDENTIAL_PREFIX_INVALID', `${path}/prefix`, `${where}.prefix must be printable text of at most ${MAX_CREDENTIAL_PREFIX} characters (e.g. "Bearer ")`);
      continue;
    }
    headers[lower] = prefix === undefined || prefix === '' ? { secret } : { secret, prefix };
  }
  return ok ? headers : undefined;
}

/**
 * The headers the platform adds to a request to `host` (lower-case name → secret and prefix):
 * every credentials entry with a host matching it contributes; where two entries set the same
 * header, the first declared wins.
 */
export function credentialHeadersFor(host: string, credentials: readonly NetworkCredential[] | undefined): Map<string, { secret: string; prefix: string }> {
  const out = new Map<string, { secret: string; prefix: string }>();
  for (const entry of credentials ?? []) {
    if (!entry.hosts.some((h) => hostMatches(host, h))) continue;
    for (const [name, spec] of Object.entries(entry.headers)) {
      const key = name.toLowerCase();
      if (!out.has(key)) out.set(key, { secret: spec.secret, prefix: spec.prefix ?? '' });
    }
  }
  return out;
}
