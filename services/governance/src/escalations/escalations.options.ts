import type { PolicyBounds } from './escalation-policy.js';

export const ESCALATIONS_OPTIONS = Symbol('ESCALATIONS_OPTIONS');

export interface EscalationsOptions extends PolicyBounds {
  sweepIntervalMs: number;
  outboxIntervalMs: number;
}
