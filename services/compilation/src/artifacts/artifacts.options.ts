export const ARTIFACTS_OPTIONS = Symbol.for('af.compilation.artifactsOptions');

export interface ArtifactsOptions {
  /** How long an artifact (and a compile cache entry) stays in the Redis hot cache. */
  cacheTtlSeconds: number;
}
