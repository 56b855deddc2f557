import type { ServiceName } from '@af/contracts';

export interface MessagingOptions {
  service: ServiceName;
  url: string;
  requestTimeoutMs: number;
  /** Unique per process: reported in heartbeats and used as the NATS client name. */
  instanceId: string;
  heartbeatIntervalMs?: number;
}
