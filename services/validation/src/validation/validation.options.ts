export const VALIDATION_OPTIONS = Symbol.for('af.validation.options');

export interface ValidationOptions {
  /** Bounded lifetime of a cached report. */
  cacheTtlSeconds: number;
}
