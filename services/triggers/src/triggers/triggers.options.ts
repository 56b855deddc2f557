export const TRIGGERS_OPTIONS = Symbol('TRIGGERS_OPTIONS');

export interface TriggersOptions {
  /** How often the schedule clock claims due ticks (≤ 1 s). */
  tickIntervalMs: number;
  /** A missed tick at most this old fires once on the next pass (the latest only). */
  catchupMs: number;
}
