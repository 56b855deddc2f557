import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/** A privilege the service's runtime role may hold on one of its tables. */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** The default for every table of the service's schema (its migrations table excepted: SELECT only). */
export const DEFAULT_TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

const PRIVILEGES = new Set<string>(DEFAULT_TABLE_PRIVILEGES);
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Roles are cluster-global: creating and granting is serialized across every process migrating at once. */
const ROLE_LOCK = 'af.persistence.roles';

/**
 * The login role a service's schema is used through at runtime: `af_<schema>`. PostgreSQL keeps
 * 63 bytes of an identifier: a longer name (test namespaces) keeps a prefix and a hash of the whole.
 */
export function serviceRoleName(schema: string): string {
  const name = `af_${schema}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54)}_${createHash('sha256').update(schema).digest('hex').slice(0, 8)}`;
}

/** The runtime URL: an explicit one, else the owner's URL with the user replaced by the role (and its password, when set). */
export function runtimeUrl(ownerUrl: string, role: string, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

export interface ServiceRoleOptions {
  schema: string;
  role: string;
  /** Set (or reset) as the role's password; omitted: the role has none (trust or certificate auth). */
  password?: string;
  /** Per-table privilege lists overriding {@link DEFAULT_TABLE_PRIVILEGES} (e.g. an append-only table: SELECT, INSERT). */
  tablePrivileges?: Readonly<Record<string, readonly TablePrivilege[]>>;
}

/**
 * Creates (idempotently) the service's login role — NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB —
 * and grants it USAGE on its own schema only, the table privileges it needs (per-table lists where
 * given; REVOKEd first so a narrowed list really narrows) and default privileges for tables that the
 * owner creates later. Run as the owner, after the migrations.
 */
export async function ensureServiceRole(owner: DataSource, options: ServiceRoleOptions): Promise<void> {
  const { schema, role } = options;
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_$-]{0,62}$/.test(role)) throw new Error(`invalid role name "${role}"`);
  for (const [table, privileges] of Object.entries(options.tablePrivileges ?? {})) {
    if (!IDENTIFIER.test(table)) throw new Error(`invalid table name "${table}" in the privilege list`);
    for (const p of privileges) if (!PRIVILEGES.has(p)) throw new Error(`invalid privilege "${p}" for table ${table}`);
  }
  const r = `"${role}"`;
  const s = `"${schema}"`;
  await owner.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [ROLE_LOCK]);
    const [existing] = (await m.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])) as unknown[];
    const password = options.password ? ` PASSWORD ${pg.escapeLiteral(options.password)}` : '';
    if (!existing) await m.query(`CREATE ROLE ${r} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION${password}`);
    else if (password) await m.query(`ALTER ROLE ${r}${password}`);
    await m.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
    await m.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
    await m.query(`GRANT ${DEFAULT_TABLE_PRIVILEGES.join(', ')} ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
    const overrides: Record<string, readonly TablePrivilege[]> = { migrations: ['SELECT'], ...options.tablePrivileges };
    const tables = new Set(((await m.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, [schema])) as { tablename: string }[]).map((t) => t.tablename));
    for (const [table, privileges] of Object.entries(overrides)) {
      if (!tables.has(table)) throw new Error(`the privilege list names table ${schema}.${table}, which does not exist`);
      await m.query(`REVOKE ALL ON ${s}."${table}" FROM ${r}`);
      if (privileges.length > 0) await m.query(`GRANT ${privileges.join(', ')} ON ${s}."${table}" TO ${r}`);
    }
    await m.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
    await m.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT ${DEFAULT_TABLE_PRIVILEGES.join(', ')} ON TABLES TO ${r}`);
    await m.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT USAGE, SELECT ON SEQUENCES TO ${r}`);
  });
}

/**
 * Refuses a runtime connection whose role is a superuser or has BYPASSRLS: either one ignores
 * row-level security, so tenant isolation would rest on every query's WHERE again.
 */
export async function assertUnprivilegedRole(dataSource: DataSource): Promise<{ role: string; privileged: boolean }> {
  const [row] = (await dataSource.query(`SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`)) as { role: string; rolsuper: boolean; rolbypassrls: boolean }[];
  if (!row) throw new Error('cannot read the attributes of the database role in use');
  return { role: row.role, privileged: row.rolsuper || row.rolbypassrls };
}

/** Drops a service role (tests' own namespaces): its privileges first, then the role. Run as the owner. */
export async function dropServiceRole(owner: DataSource, role: string): Promise<void> {
  if (!/^af_[a-z0-9_]{1,60}$/.test(role)) throw new Error(`refusing to drop role "${role}"`);
  await owner.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [ROLE_LOCK]);
    const [existing] = (await m.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])) as unknown[];
    if (!existing) return;
    await m.query(`DROP OWNED BY "${role}"`);
    await m.query(`DROP ROLE "${role}"`);
  });
}
