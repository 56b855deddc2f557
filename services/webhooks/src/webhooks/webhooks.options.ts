export const WEBHOOKS_OPTIONS = Symbol('WEBHOOKS_OPTIONS');

export interface WebhooksOptions {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  dispatchIntervalMs: number;
  batchSize: number;
  concurrency: number;
  allowHosts: readonly string[];
}
