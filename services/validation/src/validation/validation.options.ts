export const VALIDATION_OPTIONS = Symbol.for('af.validation.options');

export interface ValidationOptions {
  /** Bounded lifetime of a cached report. */
  cacheTtlSeconds: number;
  /** Provider names a model route may name (AF_MODEL_PROVIDERS keys + offline). */
  modelProviders: readonly string[];
}
