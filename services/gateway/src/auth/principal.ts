import type { Permission, TenantId } from '@af/contracts';

/** Who is calling, as proven by their token or API key. */
export interface Principal {
  /** The token's `sub`, or `apikey:<id>` for an API key. */
  subject: string;
  tenantId: TenantId;
  roles: string[];
  /** Effective permissions: `permissionsOf(roles, the token's explicit "permissions" claim)`. */
  permissions: Permission[];
  /** Set when the caller authenticated with an API key (rate limits count per key). */
  apiKeyId?: string;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}
