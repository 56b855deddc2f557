import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TenantId } from '@af/contracts';
import { DATA_SOURCE, withSystemScope, withTenant } from '@af/persistence';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  agent: string;
  description: string;
  createdAt: Date;
  createdBy: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number;
  error: string;
  createdAt: Date;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  durationMs: number;
}

/** A due delivery, claimed (leased) by one dispatcher. */
export interface ClaimedDelivery {
  tenantId: TenantId;
  id: string;
  webhookId: string;
  url: string;
  webhookDeleted: boolean;
  eventId: string;
  eventType: string;
  payload: unknown;
  /** Attempts made so far (this one is attempt + 1). */
  attempt: number;
}

export interface NewEvent {
  eventId: string;
  eventType: string;
  /** The event-type wildcard that also matches (`deployment.*`, `run.*`). */
  wildcard: string;
  agent: string;
  /** The delivered body, built only when a webhook of the tenant matches the event. */
  payload: () => unknown;
}

export interface AttemptResult {
  status: DeliveryStatus;
  responseStatus: number;
  error: string;
  durationMs: number;
  nextAttemptAt: Date | null;
}

interface RawWebhook {
  id: string;
  url: string;
  events: string[];
  agent: string;
  description: string;
  created_at: Date;
  created_by: string;
}

interface RawDelivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status: DeliveryStatus;
  response_status: number;
  error: string;
  created_at: Date;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  duration_ms: number;
}

const WEBHOOK_COLUMNS = 'id, url, events, agent, description, created_at, created_by';
const DELIVERY_COLUMNS = 'id, webhook_id, event_id, event_type, attempt, status, response_status, error, created_at, next_attempt_at, delivered_at, duration_ms';

/** Webhooks and their delivery log: the only place with SQL. Tenant queries run under RLS; the dispatcher's claim in the system scope. */
@Injectable()
export class WebhookRepository {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Inserts a webhook unless the tenant already has `max` live ones. */
  create(tenantId: TenantId, input: Omit<WebhookRow, 'createdAt'>, max: number): Promise<WebhookRow | 'too-many'> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      // Serializes concurrent creations of the tenant's webhooks, so the count bound holds.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('webhooks.create:' || $1))`, [tenantId]);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM webhooks WHERE tenant_id = $1 AND deleted_at IS NULL`, [tenantId])) as [{ n: number }];
      if (n >= max) return 'too-many';
      const [row] = (await m.query(
        `INSERT INTO webhooks (tenant_id, id, url, events, agent, description, created_by) VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING ${WEBHOOK_COLUMNS}`,
        [tenantId, input.id, input.url, input.events, input.agent, input.description, input.createdBy],
      )) as RawWebhook[];
      return fromRawWebhook(row!);
    });
  }

  find(tenantId: TenantId, id: string): Promise<WebhookRow | null> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => {
        const [row] = (await m.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`, [tenantId, id])) as RawWebhook[];
        return row ? fromRawWebhook(row) : null;
      },
      { readOnly: true },
    );
  }

  list(tenantId: TenantId): Promise<WebhookRow[]> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => ((await m.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [tenantId])) as RawWebhook[]).map(fromRawWebhook),
      { readOnly: true },
    );
  }

  /** Soft-deletes a webhook (its log stays readable); its deliveries not yet final are failed. Null when there was none. */
  delete(tenantId: TenantId, id: string): Promise<WebhookRow | null> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [updated] = (await m.query(`UPDATE webhooks SET deleted_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${WEBHOOK_COLUMNS}`, [
        tenantId,
        id,
      ])) as [RawWebhook[], number];
      if (updated.length === 0) return null;
      await m.query(
        `UPDATE deliveries SET status = 'failed', error = 'the webhook was deleted', next_attempt_at = NULL WHERE tenant_id = $1 AND webhook_id = $2 AND status IN ('pending', 'retrying')`,
        [tenantId, id],
      );
      return fromRawWebhook(updated[0]!);
    });
  }

  /**
   * One pending delivery per live webhook of the tenant whose events and agent filter match;
   * a redelivered event inserts nothing (unique (webhook, event)). Returns how many were new.
   */
  /**
   * Events of one tenant → one pending delivery per matching live webhook (idempotent: a
   * redelivered event creates none), in one transaction: the tenant's webhooks are read once,
   * bodies are built only for the events that match one, and inserted in one statement. Returns
   * how many deliveries each event created.
   */
  enqueueMany(tenantId: TenantId, events: readonly NewEvent[]): Promise<number[]> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const hooks = (await m.query(`SELECT id, events, agent FROM webhooks WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id`, [tenantId])) as { id: string; events: string[]; agent: string }[];
      const rows: { webhookId: string; event: number }[] = [];
      events.forEach((e, i) => {
        for (const w of hooks) {
          if ((w.events.includes(e.eventType) || w.events.includes(e.wildcard)) && (w.agent === '' || w.agent === e.agent)) rows.push({ webhookId: w.id, event: i });
        }
      });
      const created = events.map(() => 0);
      if (rows.length === 0) return created;
      const bodies = new Map<number, string>();
      const body = (i: number) => bodies.get(i) ?? bodies.set(i, JSON.stringify(events[i]!.payload())).get(i)!;
      const inserted = (await m.query(
        `INSERT INTO deliveries (tenant_id, id, webhook_id, event_id, event_type, payload, next_attempt_at)
         SELECT $1, gen_random_uuid(), r.webhook_id::uuid, r.event_id, r.event_type, r.payload::jsonb, clock_timestamp()
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS r(webhook_id, event_id, event_type, payload)
         ON CONFLICT (tenant_id, webhook_id, event_id) DO NOTHING RETURNING event_id, webhook_id`,
        [tenantId, rows.map((r) => r.webhookId), rows.map((r) => events[r.event]!.eventId), rows.map((r) => events[r.event]!.eventType), rows.map((r) => body(r.event))],
      )) as { event_id: string; webhook_id: string }[];
      const createdKeys = new Set(inserted.map((r) => `${r.webhook_id} ${r.event_id}`));
      for (const r of rows) if (createdKeys.has(`${r.webhookId} ${events[r.event]!.eventId}`)) created[r.event]! += 1;
      return created;
    });
  }

  /**
   * Claims up to `limit` due deliveries across tenants (SKIP LOCKED: instances dispatch side by
   * side) by moving their next attempt `leaseMs` ahead: a dispatcher that dies mid-request leaves
   * them due again after the lease.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return withSystemScope(this.dataSource, 'webhooks: claim due deliveries', async (m) => {
      const rows = (await m.query(
        `WITH due AS (
           SELECT d.tenant_id, d.id FROM deliveries d
            WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= clock_timestamp()
            ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE deliveries d SET next_attempt_at = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
           FROM due, webhooks w
          WHERE d.tenant_id = due.tenant_id AND d.id = due.id AND w.tenant_id = d.tenant_id AND w.id = d.webhook_id
         RETURNING d.tenant_id, d.id, d.webhook_id, w.url, w.deleted_at IS NOT NULL AS webhook_deleted, d.event_id, d.event_type, d.payload, d.attempt`,
        [limit, leaseMs],
      )) as [{ tenant_id: TenantId; id: string; webhook_id: string; url: string; webhook_deleted: boolean; event_id: string; event_type: string; payload: unknown; attempt: number }[], number];
      return rows[0].map((r) => ({
        tenantId: r.tenant_id,
        id: r.id,
        webhookId: r.webhook_id,
        url: r.url,
        webhookDeleted: r.webhook_deleted,
        eventId: r.event_id,
        eventType: r.event_type,
        payload: r.payload,
        attempt: r.attempt,
      }));
    });
  }

  /** Records attempt `attempt + 1` of a claimed delivery; false when another dispatcher recorded it first. */
  recordAttempt(tenantId: TenantId, id: string, attempt: number, result: AttemptResult): Promise<boolean> {
    return withTenant(this.dataSource, tenantId, async (m) => {
      const [rows] = (await m.query(
        `UPDATE deliveries SET attempt = attempt + 1, status = $4, response_status = $5, error = $6, duration_ms = $7, next_attempt_at = $8,
                delivered_at = CASE WHEN $4 = 'delivered' THEN clock_timestamp() ELSE NULL END
          WHERE tenant_id = $1 AND id = $2 AND attempt = $3 AND status IN ('pending', 'retrying') RETURNING 1`,
        [tenantId, id, attempt, result.status, result.responseStatus, result.error, result.durationMs, result.nextAttemptAt],
      )) as [unknown[], number];
      return rows.length > 0;
    });
  }

  /** A webhook's deliveries, newest first, after the delivery `after` (keyset); `limit + 1` read to know whether a next page exists. */
  listDeliveries(tenantId: TenantId, webhookId: string, limit: number, after: string | null): Promise<{ items: DeliveryRow[]; next: string }> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => {
        const params: unknown[] = [tenantId, webhookId, limit + 1];
        const keyset = after ? ` AND seq < (SELECT seq FROM deliveries WHERE tenant_id = $1 AND webhook_id = $2 AND id = $${params.push(after)})` : '';
        const rows = (await m.query(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE tenant_id = $1 AND webhook_id = $2${keyset} ORDER BY seq DESC LIMIT $3`, params)) as RawDelivery[];
        const items = rows.slice(0, limit).map(fromRawDelivery);
        return { items, next: rows.length > limit ? items[items.length - 1]!.id : '' };
      },
      { readOnly: true },
    );
  }

  /** Whether the tenant has (or had) the webhook: deliveries of a deleted one stay listable. */
  exists(tenantId: TenantId, id: string): Promise<boolean> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => ((await m.query(`SELECT 1 FROM webhooks WHERE tenant_id = $1 AND id = $2`, [tenantId, id])) as unknown[]).length > 0,
      { readOnly: true },
    );
  }

  /** Whether a delivery id belongs to the webhook (a page cursor from elsewhere is refused). */
  deliveryExists(tenantId: TenantId, webhookId: string, id: string): Promise<boolean> {
    return withTenant(
      this.dataSource,
      tenantId,
      async (m) => ((await m.query(`SELECT 1 FROM deliveries WHERE tenant_id = $1 AND webhook_id = $2 AND id = $3`, [tenantId, webhookId, id])) as unknown[]).length > 0,
      { readOnly: true },
    );
  }
}

function fromRawWebhook(r: RawWebhook): WebhookRow {
  return { id: r.id, url: r.url, events: r.events, agent: r.agent, description: r.description, createdAt: r.created_at, createdBy: r.created_by };
}

function fromRawDelivery(r: RawDelivery): DeliveryRow {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    attempt: r.attempt,
    status: r.status,
    responseStatus: r.response_status,
    error: r.error,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    deliveredAt: r.delivered_at,
    durationMs: r.duration_ms,
  };
}
