declare const tenantBrand: unique symbol;

/** A validated tenant id. Every record, repository call and message header carries one. */
export type TenantId = string & { readonly [tenantBrand]: true };

/** Lower-case DNS-label-like: safe as a NATS subject token, a KV key part and a label. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isTenantId(value: string): value is TenantId {
  return TENANT_ID_PATTERN.test(value);
}

export function parseTenantId(value: string): TenantId {
  if (!isTenantId(value)) throw new TypeError(`invalid tenant id "${value}": expected ${TENANT_ID_PATTERN}`);
  return value;
}

/** KV key of an agent's active deployment. Agent names are DNS labels, so the key is valid. */
export function activeDeploymentKey(tenant: TenantId, agent: string): string {
  return `${tenant}.${agent}`;
}
