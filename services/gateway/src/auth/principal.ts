import type { TenantId } from '@af/contracts';

/** Who is calling, as proven by their token. */
export interface Principal {
  subject: string;
  tenantId: TenantId;
  roles: string[];
  permissions: string[];
}
