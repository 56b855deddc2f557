export const AUDIT_OPTIONS = Symbol.for('af.audit.options');

export interface AuditOptions {
  /** Records read per query while a chain is verified. */
  verifyBatchSize: number;
  /** Problems listed in a verify reply (all are counted). */
  verifyMaxProblems: number;
}
