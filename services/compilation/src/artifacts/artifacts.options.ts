import type { TypeCheckOptions } from './tool-typecheck.pool.js';

export const ARTIFACTS_OPTIONS = Symbol.for('af.compilation.artifactsOptions');

export interface ArtifactsOptions {
  /** How long an artifact (and a compile cache entry) stays in the Redis hot cache. */
  cacheTtlSeconds: number;
  /** The tool type check's worker pool and limits (defaults when absent). */
  typecheck?: TypeCheckOptions;
}
