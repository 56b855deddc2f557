/**
 * Names and ids of the blueprint format. A DNS label (RFC 1123, lower case): blueprint and agent
 * names, tenant ids — safe as a NATS subject token, a KV key part, a Kubernetes name and a label.
 */
export const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && DNS_LABEL.test(value);
}

/** The nearest DNS label to a string ('' when nothing is left): what a suggestion proposes. */
export function toDnsLabel(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, DNS_LABEL_MAX)
    .replace(/-+$/, '');
}

/** A tool name: what the model calls it by (letters, digits, `_`, `-`; starts with a letter or `_`). */
export const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** A prompt variable name, and each segment of a template reference (`{{input.lead.email}}`). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An allowed host of `spec.network.allowHosts`: a host name, or `*.` + a host name (its subdomains). */
export const ALLOWED_HOST = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A secret's name (the secrets service's key, referenced by name from `spec.network.credentials`):
 * letters, digits, `_`, `-`, `.`; starts with a letter; at most 128 characters.
 */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
/** Largest secret value in bytes (UTF-8): a key, a token or a certificate, not a document. */
export const SECRET_VALUE_MAX_BYTES = 16_384;

export function isSecretName(value: unknown): value is string {
  return typeof value === 'string' && SECRET_NAME.test(value);
}

/** An allowHosts entry as compared: trimmed, lower case, without a trailing dot. */
export function normalizeHost(entry: string): string {
  return entry.trim().toLowerCase().replace(/\.$/, '');
}
