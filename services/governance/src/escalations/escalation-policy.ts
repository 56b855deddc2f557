import type { ApprovalPolicy } from '@af/contracts';
import { isRole, ROLE_PERMISSIONS, type Permission } from '@af/contracts';
import { AppError } from '@af/errors';

/** A level as stored: who may decide, and how long the level lasts. */
export interface StoredLevel {
  roles: string[];
  deadlineSeconds: number;
}

export interface ResolvedPolicy {
  quorum: number;
  levels: StoredLevel[];
}

export interface PolicyBounds {
  /** The deadline of a level that names none (GOVERNANCE_DEFAULT_DEADLINE_SEC). */
  defaultDeadlineSec: number;
  /** The shortest deadline a policy may ask for (10 s; GOVERNANCE_MIN_DEADLINE_SEC lowers it in tests). */
  minDeadlineSec: number;
}

export const MAX_QUORUM = 5;
export const MAX_LEVELS = 5;
export const MAX_DEADLINE_SEC = 30 * 24 * 3600;
export const ADMINISTRATOR = 'Administrator';

/**
 * The approval policy of a new escalation: the request's, bounded, or the default — level 1 any
 * holder of the required permission, level 2 Administrators, each with the default deadline;
 * quorum 1. A level may only name roles that hold the required permission (else nobody could
 * ever decide at that level).
 */
export function resolvePolicy(policy: ApprovalPolicy | undefined, requiredPermission: Permission, bounds: PolicyBounds): ResolvedPolicy {
  const quorum = policy?.quorum || 1;
  if (quorum > MAX_QUORUM) throw AppError.invalid(`quorum must be from 1 to ${MAX_QUORUM}`, '/policy/quorum');
  const requested = policy?.levels ?? [];
  if (requested.length > MAX_LEVELS) throw AppError.invalid(`at most ${MAX_LEVELS} approval levels`, '/policy/levels');
  if (requested.length === 0) {
    return { quorum, levels: [{ roles: [], deadlineSeconds: bounds.defaultDeadlineSec }, { roles: [ADMINISTRATOR], deadlineSeconds: bounds.defaultDeadlineSec }] };
  }
  const levels = requested.map((level, i) => {
    const deadlineSeconds = level.deadlineSeconds || bounds.defaultDeadlineSec;
    if (deadlineSeconds < bounds.minDeadlineSec || deadlineSeconds > MAX_DEADLINE_SEC) {
      throw AppError.invalid(`a level's deadline must be from ${bounds.minDeadlineSec} s to ${MAX_DEADLINE_SEC} s (30 days)`, `/policy/levels/${i}/deadlineSeconds`);
    }
    const roles = [...new Set(level.roles)];
    roles.forEach((role, j) => {
      if (!isRole(role)) throw AppError.invalid(`unknown role "${role}"`, `/policy/levels/${i}/roles/${j}`);
      if (!ROLE_PERMISSIONS[role].includes(requiredPermission)) throw AppError.invalid(`role ${role} does not hold ${requiredPermission}: nobody could decide at this level`, `/policy/levels/${i}/roles/${j}`);
    });
    return { roles, deadlineSeconds };
  });
  return { quorum, levels };
}
