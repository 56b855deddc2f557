import type { MemoryScope } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';

/**
 * What a caller may see, from its MemoryScope:
 * - self: the memories its agent stored (`agent = scope.agent`);
 * - team: the memories of agents with the same team label (`team = scope.team`);
 * - organization: the whole tenant.
 * A person through the gateway (no agent) defaults to organization, an agent to self.
 * crossOrganization needs the CrossOrgAccess permission, which no role grants and the memory
 * contract does not carry: refused.
 */
export type Visibility = { level: 'self'; agent: string } | { level: 'team'; team: string } | { level: 'organization' };

export function visibilityOf(scope: MemoryScope | undefined): Visibility {
  const agent = scope?.agent ?? '';
  const level = scope?.accessLevel || (agent ? 'self' : 'organization');
  switch (level) {
    case 'self':
      if (!agent) throw AppError.invalid('access level self needs the acting agent', '/scope/agent');
      return { level: 'self', agent };
    case 'team':
      if (!scope?.team) throw AppError.invalid('access level team needs the agent’s team label', '/scope/team');
      return { level: 'team', team: scope.team };
    case 'organization':
      return { level: 'organization' };
    case 'crossOrganization':
      throw new AppError(ErrorCode.PermissionDenied, 'crossOrganization memory access needs the CrossOrgAccess permission', { path: '/scope/accessLevel' });
    default:
      throw AppError.invalid(`access level must be self, team or organization, got "${level.slice(0, 40)}"`, '/scope/accessLevel');
  }
}

/** The agent/team a visibility filters on ('' = no filter). */
export function visibilityFilter(v: Visibility): { agent: string; team: string } {
  return { agent: v.level === 'self' ? v.agent : '', team: v.level === 'team' ? v.team : '' };
}
