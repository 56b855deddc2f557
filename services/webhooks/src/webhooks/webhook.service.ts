import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import type { Caller, CreateWebhookRequest, GetWebhookRequest, ListDeliveriesReplySchema, ListDeliveriesRequest, ListWebhooksReplySchema, TenantId, WebhookReplySchema, WebhookSchema } from '@af/contracts';
import { DNS_LABEL_MAX, isDnsLabel } from '@af/blueprint-format';
import { AppError, ErrorCode, toAppError } from '@af/errors';
import { AuditTrail, MessageBus, MicroBatcher, type ItemOutcome } from '@af/messaging';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { EVENT_TYPES } from './events.js';
import { staticRefusal } from './target-guard.js';
import { WebhookRepository, type DeliveryRow, type NewEvent, type WebhookRow } from './webhook.repository.js';
import { WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options.js';

export const MAX_WEBHOOKS_PER_TENANT = 50;
/** Most events one intake batch writes; the webhooks-events consumer handles twice as many at once. */
export const INTAKE_BATCH_SIZE = 100;
export const EVENTS_CONSUMER_CONCURRENCY: Readonly<Record<string, number>> = { 'webhooks-events': INTAKE_BATCH_SIZE * 2 };
export const MAX_URL_CHARS = 2048;
export const SECRET_MIN_BYTES = 16;
export const SECRET_MAX_BYTES = 256;
const MAX_DESCRIPTION_CHARS = 500;
const MAX_EVENTS = 16;
const MAX_ACTOR_CHARS = 256;
export const MAX_DELIVERIES_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The secrets service's name for a webhook's signing secret (SECRET_NAME in @af/blueprint-format). */
export function secretNameOf(webhookId: string): string {
  return `webhook.${webhookId}`;
}

/**
 * Tenant webhooks: create (the signing secret goes to the secrets service, never stored or
 * returned here), get/list/delete, the delivery log, and the intake of events into pending
 * deliveries (the dispatcher sends them).
 */
@Injectable()
export class WebhookService {
  private readonly enqueued: Counter<'type'>;
  private readonly intakeBatcher: MicroBatcher<{ tenantId: TenantId; event: NewEvent }>;

  constructor(
    private readonly repository: WebhookRepository,
    private readonly bus: MessageBus,
    private readonly audit: AuditTrail,
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.intakeBatcher = new MicroBatcher((items) => this.enqueueBatch(items), { maxSize: INTAKE_BATCH_SIZE });
    this.enqueued = metrics.counter('af_webhook_deliveries_enqueued_total', 'Deliveries created from events (one per matching webhook), by event type', ['type']);
  }

  async create(tenantId: TenantId, request: CreateWebhookRequest): Promise<MessageInitShape<typeof WebhookReplySchema>> {
    const url = this.targetUrl(request.url);
    const events = eventList(request.events);
    const secretBytes = Buffer.byteLength(request.secret, 'utf8');
    if (secretBytes < SECRET_MIN_BYTES || secretBytes > SECRET_MAX_BYTES) throw AppError.invalid(`secret must be ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes of UTF-8 (got ${secretBytes})`, '/secret');
    if (request.description.length > MAX_DESCRIPTION_CHARS) throw AppError.invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters (got ${request.description.length})`, '/description');
    if (request.agent !== '' && !isDnsLabel(request.agent)) throw AppError.invalid(`agent must be an agent name (a DNS label of at most ${DNS_LABEL_MAX} characters) or empty for all agents`, '/agent');
    const actor = actorOf(request.caller);
    const id = randomUUID();
    // The secret first: a webhook never exists without its signing secret.
    await this.bus.request('af.v1.secrets.put', { name: secretNameOf(id), value: request.secret, description: `signing secret of webhook ${id}`, caller: request.caller ?? { subject: actor } }, { tenantId });
    const row = await this.repository.create(tenantId, { id, url, events, agent: request.agent, description: request.description, createdBy: actor }, MAX_WEBHOOKS_PER_TENANT);
    if (row === 'too-many') {
      await this.dropSecret(tenantId, id, request.caller);
      throw new AppError(ErrorCode.ResourceExhausted, `a tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks`, { path: '/url' });
    }
    await this.audit.record({
      action: 'webhook.created',
      actor,
      resourceType: 'webhook',
      resourceId: id,
      outcome: 'success',
      eventId: `webhook.created:${id}`,
      details: { url: row.url, events: row.events, agent: row.agent },
    });
    this.logger.info({ webhookId: id, events }, 'webhook created');
    return { webhook: view(row) };
  }

  async get(tenantId: TenantId, request: GetWebhookRequest): Promise<MessageInitShape<typeof WebhookReplySchema>> {
    const id = webhookId(request.id, '/id');
    const row = await this.repository.find(tenantId, id);
    if (!row) throw AppError.notFound(`webhook "${id}"`, '/id');
    return { webhook: view(row) };
  }

  async list(tenantId: TenantId): Promise<MessageInitShape<typeof ListWebhooksReplySchema>> {
    return { items: (await this.repository.list(tenantId)).map(view) };
  }

  async delete(tenantId: TenantId, request: GetWebhookRequest): Promise<MessageInitShape<typeof WebhookReplySchema>> {
    const id = webhookId(request.id, '/id');
    const actor = actorOf(request.caller);
    const row = await this.repository.delete(tenantId, id);
    if (!row) throw AppError.notFound(`webhook "${id}"`, '/id');
    await this.dropSecret(tenantId, id, request.caller);
    await this.audit.record({ action: 'webhook.deleted', actor, resourceType: 'webhook', resourceId: id, outcome: 'success', eventId: `webhook.deleted:${id}`, details: { url: row.url } });
    this.logger.info({ webhookId: id }, 'webhook deleted');
    return { webhook: view(row) };
  }

  async deliveries(tenantId: TenantId, request: ListDeliveriesRequest): Promise<MessageInitShape<typeof ListDeliveriesReplySchema>> {
    const id = webhookId(request.webhookId, '/webhookId');
    const limit = request.limit === 0 ? 20 : request.limit;
    if (limit < 1 || limit > MAX_DELIVERIES_PAGE) throw AppError.invalid(`limit must be 1 to ${MAX_DELIVERIES_PAGE} (got ${request.limit})`, '/limit');
    const after = request.after === '' ? null : webhookId(request.after, '/after');
    if (!(await this.repository.exists(tenantId, id))) throw AppError.notFound(`webhook "${id}"`, '/webhookId');
    if (after && !(await this.repository.deliveryExists(tenantId, id, after))) throw AppError.invalid(`after must be a delivery id of this webhook (the previous page's next)`, '/after');
    const page = await this.repository.listDeliveries(tenantId, id, limit, after);
    return { items: page.items.map(deliveryView), next: page.next };
  }

  /**
   * An event becomes one pending delivery per matching webhook (idempotent), written with the
   * events that arrived meanwhile (one transaction per tenant and batch); resolves once stored.
   */
  async intake(tenantId: TenantId, event: NewEvent | null): Promise<void> {
    if (!event) return;
    await this.intakeBatcher.add({ tenantId, event });
  }

  private async enqueueBatch(items: { tenantId: TenantId; event: NewEvent }[]): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = items.map(() => undefined);
    const byTenant = new Map<TenantId, number[]>();
    items.forEach((item, i) => byTenant.set(item.tenantId, [...(byTenant.get(item.tenantId) ?? []), i]));
    const enqueue = async (tenantId: TenantId, indexes: number[]) => {
      const created = await this.repository.enqueueMany(
        tenantId,
        indexes.map((i) => items[i]!.event),
      );
      indexes.forEach((i, k) => {
        if ((created[k] ?? 0) > 0) this.enqueued.inc({ type: items[i]!.event.eventType }, created[k]);
      });
    };
    await Promise.all(
      [...byTenant].map(async ([tenantId, indexes]) => {
        try {
          await enqueue(tenantId, indexes);
        } catch (error) {
          // Unavailable: every event of the group is retried. Anything else: item by item, so one bad event fails alone.
          if (indexes.length === 1 || toAppError(error).code === ErrorCode.Unavailable) {
            for (const i of indexes) outcomes[i] = asError(error);
            return;
          }
          for (const i of indexes) await enqueue(tenantId, [i]).catch((single: unknown) => (outcomes[i] = asError(single)));
        }
      }),
    );
    return outcomes;
  }

  private targetUrl(raw: string): string {
    if (raw.length === 0) throw AppError.invalid('url is required', '/url');
    if (raw.length > MAX_URL_CHARS) throw AppError.invalid(`url must be at most ${MAX_URL_CHARS} characters (got ${raw.length})`, '/url');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw AppError.invalid('url is not a valid absolute URL', '/url');
    }
    const refusal = staticRefusal(url, this.options.allowHosts);
    if (refusal) throw AppError.invalid(`url refused: ${refusal}`, '/url');
    return url.toString();
  }

  private async dropSecret(tenantId: TenantId, id: string, caller: Caller | undefined): Promise<void> {
    try {
      await this.bus.request('af.v1.secrets.delete', { name: secretNameOf(id), caller: caller ?? { subject: 'system:webhooks' } }, { tenantId });
    } catch (error) {
      if (!(error instanceof AppError && error.code === ErrorCode.NotFound)) throw error;
    }
  }
}

function eventList(events: readonly string[]): string[] {
  if (events.length < 1 || events.length > MAX_EVENTS) throw AppError.invalid(`events must list 1 to ${MAX_EVENTS} event types (got ${events.length})`, '/events');
  events.forEach((e, i) => {
    if (!EVENT_TYPES.has(e)) throw AppError.invalid(`"${e.slice(0, 64)}" is not an event type (one of ${[...EVENT_TYPES].join(', ')})`, `/events/${i}`);
  });
  return [...new Set(events)];
}

function webhookId(value: string, path: string): string {
  if (!UUID.test(value)) throw AppError.invalid(`${path.slice(1)} must be an id (UUID)`, path);
  return value;
}

function actorOf(caller: Caller | undefined): string {
  const subject = caller?.subject ?? '';
  if (!subject) throw new AppError(ErrorCode.Unauthenticated, 'changing a webhook needs the caller (subject)', { path: '/caller' });
  if (subject.length > MAX_ACTOR_CHARS) throw AppError.invalid(`caller subject must be at most ${MAX_ACTOR_CHARS} characters`, '/caller/subject');
  return subject;
}

function view(row: WebhookRow): MessageInitShape<typeof WebhookSchema> {
  return { id: row.id, url: row.url, events: row.events, description: row.description, agent: row.agent, createdAt: row.createdAt.toISOString(), createdBy: row.createdBy };
}

function deliveryView(row: DeliveryRow) {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    status: row.status,
    responseStatus: row.responseStatus,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    nextAttemptAt: row.nextAttemptAt && (row.status === 'pending' || row.status === 'retrying') ? row.nextAttemptAt.toISOString() : '',
    deliveredAt: row.deliveredAt?.toISOString() ?? '',
    durationMs: row.durationMs,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
