import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who and what a unit of work belongs to; set at every edge (HTTP request, NATS message). */
export interface RequestContextData {
  tenantId?: string;
  correlationId: string;
  subject?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  newCorrelationId(): string {
    return randomUUID();
  },
};
