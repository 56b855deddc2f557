import type { SourceLimits } from '../documents/blueprint-source.js';

export const BLUEPRINTS_OPTIONS = Symbol.for('af.blueprints.options');

export interface BlueprintsOptions {
  documents: SourceLimits;
  /** How often the outbox relay republishes versions whose event did not reach JetStream. */
  outboxIntervalMs: number;
}
