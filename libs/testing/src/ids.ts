import { randomBytes } from 'node:crypto';

/** A fresh tenant id per test, so tests sharing a database or broker never see each other's data. */
export function testTenant(prefix = 't'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A fresh, valid PostgreSQL schema / NATS name suffix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
