import { Injectable } from '@nestjs/common';
import type { Webhook, WebhookDelivery } from '@af/contracts';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { callerOf } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { DNS_LABEL, isPlainObject, optionalLimit } from '../http/input.js';

/** The webhooks service's bounds (services/webhooks), checked here first. */
export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_SECRET_MIN_BYTES = 16;
export const WEBHOOK_SECRET_MAX_BYTES = 256;
export const WEBHOOK_DESCRIPTION_MAX = 500;
export const WEBHOOK_EVENTS_MAX = 16;
export const WEBHOOK_DELIVERIES_MAX = 100;
export const WEBHOOK_FIELDS = ['url', 'events', 'secret', 'description', 'agent'] as const;
const DEPLOYMENT_STATUSES = ['pending', 'warming', 'canary', 'active', 'failed', 'rolled_back', 'superseded'];
export const WEBHOOK_EVENT_TYPES: readonly string[] = [...DEPLOYMENT_STATUSES.map((s) => `deployment.${s}`), 'deployment.*', 'run.succeeded', 'run.failed', 'run.cancelled', 'run.*'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CreateWebhookFields {
  url: string;
  events: string[];
  secret: string;
  description: string;
  agent: string;
}

/**
 * `{url, events[], secret, description?, agent?}`. Messages name the field and the rule, never
 * the secret's value (they reach the caller and the logs). Whether the target address is allowed
 * (SSRF rules) is the webhooks service's to say.
 */
export function parseCreateWebhook(body: unknown): CreateWebhookFields {
  if (!isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"url": "https://…", "events": ["deployment.*"], "secret": "…"}', '');
  const url = body['url'];
  if (url === undefined || url === null) throw AppError.invalid('url is required', '/url');
  if (typeof url !== 'string' || url.length === 0 || url.length > WEBHOOK_URL_MAX) throw AppError.invalid(`url must be a string of 1 to ${WEBHOOK_URL_MAX} characters`, '/url');
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) throw AppError.invalid('url must be an absolute http(s) URL', '/url');
  const events = body['events'];
  if (!Array.isArray(events) || events.length < 1 || events.length > WEBHOOK_EVENTS_MAX) throw AppError.invalid(`events must list 1 to ${WEBHOOK_EVENTS_MAX} event types`, '/events');
  events.forEach((e, i) => {
    if (typeof e !== 'string' || !WEBHOOK_EVENT_TYPES.includes(e)) throw AppError.invalid(`events[${i}] must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`, `/events/${i}`);
  });
  const secret = body['secret'];
  if (secret === undefined || secret === null) throw AppError.invalid('secret is required', '/secret');
  if (typeof secret !== 'string') throw AppError.invalid('secret must be a string', '/secret');
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < WEBHOOK_SECRET_MIN_BYTES || bytes > WEBHOOK_SECRET_MAX_BYTES) throw AppError.invalid(`secret must be ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes of UTF-8`, '/secret');
  const description = body['description'] ?? '';
  if (typeof description !== 'string' || description.length > WEBHOOK_DESCRIPTION_MAX) throw AppError.invalid(`description must be a string of at most ${WEBHOOK_DESCRIPTION_MAX} characters`, '/description');
  const agent = body['agent'] ?? '';
  if (typeof agent !== 'string' || (agent !== '' && !DNS_LABEL.test(agent))) throw AppError.invalid('agent must be an agent name (lower-case letters, digits and "-", at most 63 characters); absent: every agent', '/agent');
  return { url, events: events as string[], secret, description, agent };
}

export function webhookId(value: string, path = '/id'): string {
  if (!UUID.test(value)) throw AppError.invalid('a webhook id is a UUID', path);
  return value;
}

/** A webhook as the API shows it: never its secret. */
export function webhookView(w: Webhook | undefined) {
  if (!w) return {};
  return { id: w.id, url: w.url, events: w.events, description: w.description, agent: w.agent || null, createdAt: w.createdAt, createdBy: w.createdBy };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    attempt: d.attempt,
    status: d.status,
    responseStatus: d.responseStatus || null,
    error: d.error || null,
    durationMs: d.durationMs,
    createdAt: d.createdAt,
    nextAttemptAt: d.nextAttemptAt || null,
    deliveredAt: d.deliveredAt || null,
  };
}

/** Tenant webhooks: each call one request to the webhooks service. */
@Injectable()
export class WebhooksApi {
  constructor(private readonly bus: MessageBus) {}

  async create(principal: Principal, body: unknown) {
    return webhookView((await this.bus.request('af.v1.webhooks.create', { ...parseCreateWebhook(body), caller: callerOf(principal) })).webhook);
  }

  async list() {
    return { items: (await this.bus.request('af.v1.webhooks.list', {})).items.map(webhookView) };
  }

  async get(principal: Principal, id: string) {
    return webhookView((await this.bus.request('af.v1.webhooks.get', { id: webhookId(id), caller: callerOf(principal) })).webhook);
  }

  async delete(principal: Principal, id: string) {
    return webhookView((await this.bus.request('af.v1.webhooks.delete', { id: webhookId(id), caller: callerOf(principal) })).webhook);
  }

  /** Newest first; `after` = the previous page's `next`. */
  async deliveries(id: string, limit: unknown, after: unknown) {
    if (after !== undefined && (typeof after !== 'string' || !UUID.test(after))) throw AppError.invalid('after must be a delivery id (the previous page’s next)', '/query/after');
    const reply = await this.bus.request('af.v1.webhooks.deliveries.list', { webhookId: webhookId(id), limit: optionalLimit(limit), after: (after as string | undefined) ?? '' });
    return { items: reply.items.map(deliveryView), next: reply.next || null };
  }
}
