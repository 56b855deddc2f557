/**
 * Roles and permissions: the one table every service reads (the gateway checks each route's
 * permission against it; governance checks approvers; validation shapes findings by role).
 * EMMA's matrix: a realWorld action needs an Administrator (ApproveRealWorld).
 */
export const PERMISSIONS = [
  /** Read blueprints, versions, diffs, agents, deployments, validation and schemas. */
  'ViewAgents',
  /** Create and update blueprints (new versions), validate stored blueprints. */
  'CreateAgent',
  /** Archive and restore blueprints. */
  'ArchiveAgent',
  /** Deploy and roll back agents (a realWorld agent without ApproveRealWorld → an escalation). */
  'DeployAgent',
  /** See compiled artifacts and tool code. */
  'ViewCode',
  /** Submit runs. */
  'RunAgent',
  /** Read runs, their events, and dead letters. */
  'ViewRuns',
  /** Cancel runs, retry dead letters. */
  'OperateRuns',
  /** Read escalations. */
  'ViewEscalations',
  /** Approve or reject escalations of internal/external risk. */
  'ApproveActions',
  /** Approve or reject realWorld escalations, including a realWorld agent's deployment. */
  'ApproveRealWorld',
  /** Create, list and revoke API keys. */
  'ManageKeys',
  /** Read and verify the audit log. */
  'ViewAudit',
  /** Read usage; set budgets and quotas. */
  'ManageBudgets',
  /** Create, rotate, list (metadata only) and delete secrets (values are never readable back). */
  'ManageSecrets',
  /** Create, list and delete outbound webhooks and read their delivery log (signing secrets are write-only). */
  'ManageWebhooks',
  /** Read and search agent memory (working, episodic, semantic) and the knowledge graph. */
  'ViewMemory',
  /** Store memories and forget a subject across every tier (audited). */
  'ManageMemory',
  /** Read the mesh status. */
  'ViewMesh',
  /** Act on other tenants' resources (platform operators only; no role grants it). */
  'CrossOrgAccess',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['Viewer', 'Developer', 'ProductManager', 'Administrator'] as const;
export type Role = (typeof ROLES)[number];

const VIEWER: readonly Permission[] = ['ViewAgents', 'ViewRuns', 'ViewEscalations', 'ViewMesh'];

/** Role → permissions. A principal's permissions are the union over its roles (plus explicit grants). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  Viewer: VIEWER,
  Developer: [...VIEWER, 'CreateAgent', 'DeployAgent', 'ViewCode', 'RunAgent', 'OperateRuns', 'ApproveActions', 'ManageSecrets', 'ViewMemory', 'ManageWebhooks'],
  ProductManager: [...VIEWER, 'CreateAgent', 'ArchiveAgent', 'DeployAgent', 'RunAgent', 'ApproveActions', 'ViewAudit', 'ManageBudgets', 'ManageWebhooks', 'ViewMemory', 'ManageMemory'],
  Administrator: PERMISSIONS.filter((p) => p !== 'CrossOrgAccess'),
};

export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

/** The effective permissions of roles (unknown role names grant nothing) plus explicit grants. */
export function permissionsOf(roles: readonly string[], explicit: readonly string[] = []): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) if (isRole(role)) for (const p of ROLE_PERMISSIONS[role]) granted.add(p);
  for (const p of explicit) if (isPermission(p)) granted.add(p);
  return PERMISSIONS.filter((p) => granted.has(p));
}
