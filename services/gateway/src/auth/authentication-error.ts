import type { TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';

/** Why a credential was refused (a metric label and the audit record's `reason`). */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'bad_signature'
  | 'algorithm'
  | 'expired'
  | 'claims'
  | 'no_tenant'
  | 'apikey_unknown'
  | 'apikey_revoked'
  | 'apikey_expired';

/**
 * 401 UNAUTHENTICATED with what the gateway knows about the failure, for its audit and metrics:
 * `tenantId` only when it is trustworthy (a JWT whose signature verified but whose claims did
 * not, or a known API key that is revoked or expired) — never a claim of an unverified token.
 */
export class AuthenticationError extends AppError {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    readonly trusted: { tenantId?: TenantId; subject?: string } = {},
  ) {
    super(ErrorCode.Unauthenticated, message);
  }
}
