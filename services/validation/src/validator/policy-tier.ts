import { builtinSpec } from '@af/blueprint-format';
import { ROLE_PERMISSIONS, isRole, type Permission } from '@af/contracts';
import { pointer, type Findings, type PolicyCaller } from './findings.js';
import { asArray, asObject, asString, type BlueprintView } from './blueprint-view.js';

export const ADMINISTRATOR_ROLE = 'Administrator';
export const CROSS_ORG_PERMISSION = 'CrossOrgAccess';

type Rule = (view: BlueprintView, caller: PolicyCaller, findings: Findings) => void;

/** Policy rules: what this caller may save or deploy. Each suggests the smallest change that passes. */
export const policyRules: Readonly<Record<string, Rule>> = {
  realWorldNeedsAdministrator(view, caller, findings) {
    const max = view.maxAllowedScope;
    if (!max.declared || max.scope !== 'realWorld' || caller.roles.includes(ADMINISTRATOR_ROLE)) return;
    const path = pointer('spec', 'actions', 'maxAllowedScope');
    findings.error('policy', 'REAL_WORLD_REQUIRES_ADMINISTRATOR', path, `only the ${ADMINISTRATOR_ROLE} role may save or deploy a blueprint with spec.actions.maxAllowedScope realWorld`);
    const realWorldTools = view.tools.filter((t) => t.scope === 'realWorld').length;
    findings.suggest(
      path,
      realWorldTools === 0 ? 'no tool needs realWorld: lower spec.actions.maxAllowedScope to external' : `lower spec.actions.maxAllowedScope to external and the ${realWorldTools} realWorld tool(s) with it, or ask an ${ADMINISTRATOR_ROLE}`,
      'external',
    );
  },

  crossOrganizationNeedsPermission(view, caller, findings) {
    if (asString(view.section('context')['accessLevel']) !== 'crossOrganization' || caller.permissions.includes(CROSS_ORG_PERMISSION)) return;
    const path = pointer('spec', 'context', 'accessLevel');
    findings.error('policy', 'CROSS_ORGANIZATION_NOT_PERMITTED', path, `spec.context.accessLevel crossOrganization needs the ${CROSS_ORG_PERMISSION} permission`);
    findings.suggest(path, 'use accessLevel organization', 'organization');
  },

  sensitiveBuiltinsNeedApproval(view, _caller, findings) {
    for (const tool of view.tools) {
      if (!builtinSpec(tool.builtin)?.sensitive || view.requiresApproval(tool.name)) continue;
      findings.warn('policy', 'SENSITIVE_TOOL_WITHOUT_APPROVAL', pointer('spec', 'tools', tool.index, 'builtin'), `builtin ${tool.builtin} (tool "${tool.name ?? '?'}") runs without human approval`);
      if (tool.name) findings.suggest(pointer('spec', 'actions', 'requireApproval', '-'), `add "${tool.name}" to spec.actions.requireApproval`, tool.name);
    }
  },

  /**
   * spec.governance.approval: a level whose roles cannot approve (no role holds ApproveActions,
   * or ApproveRealWorld when the agent has realWorld tools) can only ever be rejected by policy at
   * its deadline — an error, with the roles that can as the suggestion.
   */
  approvalLevelsCanApprove(view, _caller, findings) {
    const approval = asObject(view.section('governance')['approval']);
    if (!approval) return;
    const realWorld = view.tools.some((t) => t.scope === 'realWorld' || builtinSpec(t.builtin)?.scope === 'realWorld');
    const needed: Permission = realWorld ? 'ApproveRealWorld' : 'ApproveActions';
    asArray(approval['levels']).forEach((level, index) => {
      const roles = asArray(asObject(level)?.['roles']).filter(isRole);
      if (roles.length === 0 || roles.some((role) => ROLE_PERMISSIONS[role].includes(needed))) return;
      const path = pointer('spec', 'governance', 'approval', 'levels', index, 'roles');
      findings.error('policy', 'APPROVAL_LEVEL_CANNOT_APPROVE', path, `approval level ${index + 1}: none of ${roles.join(', ')} holds ${needed}${realWorld ? ' (the agent has realWorld tools)' : ''}, so its escalations could only be rejected at the deadline`);
      const able = Object.entries(ROLE_PERMISSIONS).filter(([, permissions]) => permissions.includes(needed)).map(([role]) => role);
      findings.suggest(path, `let ${able.join(' or ')} decide at this level`, able.slice(-1));
    });
  },

  autonomousRealWorldNeedsApproval(view, _caller, findings) {
    if (view.autonomyLevel !== 'autonomous') return;
    for (const tool of view.tools) {
      if (tool.scope !== 'realWorld' || view.requiresApproval(tool.name)) continue;
      findings.error(
        'policy',
        'AUTONOMOUS_REAL_WORLD_WITHOUT_APPROVAL',
        pointer('spec', 'tools', tool.index, 'scope'),
        `an autonomous agent may use realWorld tool "${tool.name ?? '?'}" only with approval: list it in spec.actions.requireApproval`,
      );
      if (tool.name) findings.suggest(pointer('spec', 'actions', 'requireApproval', '-'), `add "${tool.name}" to spec.actions.requireApproval`, tool.name);
    }
  },
};
