import { env, loadConfig } from '@af/config';
import { natsConfigSpec } from '@af/messaging';
import { databaseConfigSpec } from '@af/persistence';
import { serviceConfigSpec } from '@af/runtime';

export const meteringConfigSpec = {
  ...serviceConfigSpec('metering'),
  nats: natsConfigSpec,
  database: databaseConfigSpec,
  metering: {
    reservationTtlMs: env.int('METERING_RESERVATION_TTL_MS', { default: 600_000, min: 1_000, max: 86_400_000, description: 'How long a budget reservation holds before it is released unsettled (a worker killed mid-call)' }),
    sweepIntervalMs: env.int('METERING_SWEEP_INTERVAL_MS', { default: 10_000, min: 100, max: 600_000, description: 'How often open reservations past their expiry are released' }),
  },
};

export type MeteringConfig = ReturnType<typeof loadMeteringConfig>;

export function loadMeteringConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(meteringConfigSpec, source);
}
