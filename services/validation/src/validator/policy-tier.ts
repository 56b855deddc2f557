import { builtinSpec } from '@af/blueprint-format';
import { pointer, type Findings, type PolicyCaller } from './findings.js';
import { asString, type BlueprintView } from './blueprint-view.js';

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
