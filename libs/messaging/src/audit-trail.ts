import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JsonValue } from '@af/contracts';
import { RequestContext } from '@af/observability';
import { MessageBus } from './message-bus.js';
import type { MessagingOptions } from './messaging.options.js';
import { MESSAGING_OPTIONS } from './tokens.js';

export interface AuditEntry {
  /** e.g. `blueprint.created`, `policy.denied`, `apikey.revoked` (README "Audit" lists them). */
  action: string;
  /** The user's subject, `apikey:<id>`, or `system:<service>`. */
  actor: string;
  resourceType: string;
  resourceId: string;
  outcome: 'success' | 'denied' | 'failure';
  details?: Record<string, JsonValue>;
  /**
   * Idempotency: the same id is recorded once per tenant (JetStream msg id `audit:<tenant>:<id>` and the audit service's key (tenant, event id)).
   * Derive it from what happened (`deployment.created:<deploymentId>`) so a retried handler does
   * not write a second record; default: a fresh UUID.
   */
  eventId?: string;
  /** Defaults to the current request context's tenant. */
  tenantId?: string;
  at?: Date;
}

/** Details beyond this are cut (the audit record stays small; no payloads, no secrets). */
const MAX_DETAILS_BYTES = 4_096;

/**
 * Records auditable facts on the AF_AUDIT stream (af.v1.audit.record), which the audit service
 * appends to the tenant's hash chain. `record` returns once JetStream has stored the event; a
 * caller whose action must not happen unaudited awaits it (or writes it through its outbox).
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly bus: MessageBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const eventId = entry.eventId ?? randomUUID();
    let detailsJson = JSON.stringify(entry.details ?? {});
    if (Buffer.byteLength(detailsJson) > MAX_DETAILS_BYTES) detailsJson = JSON.stringify({ truncated: true, preview: detailsJson.slice(0, MAX_DETAILS_BYTES / 2) });
    const tenantId = entry.tenantId ?? RequestContext.current()?.tenantId;
    await this.bus.publish(
      'af.v1.audit.record',
      {
        eventId,
        action: entry.action,
        actor: entry.actor,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        outcome: entry.outcome,
        detailsJson,
        atMs: BigInt((entry.at ?? new Date()).getTime()),
        service: this.options.service,
      },
      // The JetStream de-duplication window is per stream, not per tenant: two tenants' events with the
      // same deterministic id (`blueprint.updated:<name>:<version>`) must not drop each other.
      { msgId: `audit:${tenantId ?? ''}:${eventId}`, ...(tenantId ? { tenantId } : {}) },
    );
  }
}
