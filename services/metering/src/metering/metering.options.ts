export const METERING_OPTIONS = Symbol('METERING_OPTIONS');

export interface MeteringOptions {
  reservationTtlMs: number;
  sweepIntervalMs: number;
}
