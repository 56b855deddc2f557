import pg from 'pg';
import { Redis } from 'ioredis';

/** Drops a test's own PostgreSQL schema. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`refusing to drop schema "${schema}"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The schema's service role (af_<schema>, created by @af/persistence at migration time) goes with it:
    // roles are cluster-global and would pile up across test runs.
    const { rows } = await client.query<{ rolname: string }>(
      `SELECT r.rolname FROM pg_roles r JOIN pg_namespace n ON n.nspname = $1 WHERE r.rolname LIKE 'af\\_%' AND NOT r.rolsuper AND has_schema_privilege(r.oid, n.oid, 'USAGE')`,
      [schema],
    );
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const { rolname } of rows) {
      await client.query(`DROP OWNED BY "${rolname}"`);
      await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
    }
  } finally {
    await client.end();
  }
}

/** Deletes a test's own Redis keys (by prefix, with SCAN: never KEYS on a shared server). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  if (prefix.length < 4) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Polls until `ok(value)` and returns that value; throws (naming the last value) when the timeout passes first. */
export async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    // A wait that times out fails the test here: returning the last value would let a caller that
    // asserts nothing afterwards pass without the condition ever holding.
    if (Date.now() > deadline) throw new Error(`until: the condition did not hold within ${timeoutMs} ms (last value: ${describe(value)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}
