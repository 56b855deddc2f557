import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Counter } from 'prom-client';
import { isTenantId, type Caller, type InboundHookReplySchema, type InboundHookRequest, type ListTriggersReplySchema, type ListTriggersRequest, type TenantId } from '@af/contracts';
import { checkTriggers, isDnsLabel, nextTick, subjectMatches, type NormalizedTrigger } from '@af/blueprint-format';
import { AppError, ErrorCode } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { ActiveDeploymentRepository } from './active-deployment.repository.js';
import { LOGGER, MetricsRegistry, type Logger } from '@af/observability';
import { TriggersRepository, type NewTrigger, type StoredSpec, type TriggerRow } from './triggers.repository.js';
import { TRIGGERS_OPTIONS, type TriggersOptions } from './triggers.options.js';

/** The caller runs started by a trigger are submitted as (the orchestrator records it as requested_by). */
export const TRIGGER_CALLER: Caller = { $typeName: 'af.v1.Caller', subject: 'system:triggers', roles: [], permissions: [] };
/** Largest inbound webhook body and external event payload. */
export const MAX_HOOK_BODY_BYTES = 262_144;
/** A signature's timestamp may be this far from the service's clock. */
export const HOOK_TOLERANCE_S = 300;
/** Used signatures are remembered this long (twice the tolerance covers both sides of the clock). */
export const HOOK_NONCE_TTL_MS = 600_000;
const SIGNATURE = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;
/** Schedules claimed per pass (per instance). */
const CLAIM_BATCH = 100;
/** Ticks counted one by one at most when a schedule was down a long time (the rest is estimated as "many"). */
const MAX_COUNTED_TICKS = 100_000;

export type HookRefusal = 'not_found' | 'signature_missing' | 'signature_malformed' | 'stale' | 'bad_signature' | 'replayed' | 'body_invalid' | 'body_too_large';

/**
 * Triggers: registration from the active deployment, the schedule clock, external events and
 * inbound webhooks. Every run is submitted to the orchestrator with its trigger recorded.
 */
@Injectable()
export class TriggersService {
  private readonly fires: Counter<'type' | 'outcome'>;
  private readonly missedTicks: Counter<'outcome'>;
  private readonly hookRefusals: Counter<'reason'>;
  private readonly eventsDropped: Counter<'reason'>;
  private readonly registrations: Counter<'outcome'>;

  constructor(
    private readonly repository: TriggersRepository,
    private readonly bus: MessageBus,
    private readonly activeDeployments: ActiveDeploymentRepository,
    @Inject(TRIGGERS_OPTIONS) private readonly options: TriggersOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.fires = metrics.counter('af_trigger_fires_total', 'Runs started by triggers, by trigger type and outcome (submitted | failed)', ['type', 'outcome']);
    this.missedTicks = metrics.counter('af_trigger_missed_ticks_total', 'Schedule ticks not fired on time: caught_up (the latest, fired late) or skipped (older, or beyond the catch-up window)', ['outcome']);
    this.hookRefusals = metrics.counter('af_trigger_hook_refusals_total', 'Inbound webhooks refused, by reason', ['reason']);
    this.eventsDropped = metrics.counter('af_trigger_events_dropped_total', 'External events dropped, by reason (tenant_mismatch | invalid_subject | invalid_payload)', ['reason']);
    this.registrations = metrics.counter('af_trigger_registrations_total', 'Agent trigger registrations: replaced | unchanged | deactivated | invalid', ['outcome']);
  }

  /**
   * A deployment of the agent changed: its registered triggers follow the registry of active
   * deployments (the truth whatever order events arrive in) — the active version's triggers, or
   * none when no deployment is active (archive). A canary's triggers are not registered.
   */
  async syncAgent(tenantId: TenantId, agent: string, now = new Date()): Promise<'replaced' | 'unchanged' | 'deactivated' | 'invalid'> {
    const active = await this.activeDeployments.find(tenantId, agent);
    if (!active) {
      await this.repository.deactivate(tenantId, agent);
      this.registrations.inc({ outcome: 'deactivated' });
      return 'deactivated';
    }
    if ((await this.repository.registeredDeployment(tenantId, agent)) === active.deploymentId) {
      this.registrations.inc({ outcome: 'unchanged' });
      return 'unchanged';
    }
    const artifact = await this.bus.request('af.v1.compilation.artifact.get', { artifactHash: active.artifactHash }, { tenantId });
    const document = JSON.parse(artifact.artifactJson) as { triggers?: unknown; input?: { schema?: unknown } };
    const checked = checkTriggers(document.triggers ?? []);
    let triggers: NewTrigger[] = [];
    let outcome: 'replaced' | 'unchanged' | 'invalid' = 'replaced';
    if (!checked.triggers) {
      // An artifact compiled before these rules: nothing of it is registered (a redeploy of a valid blueprint is).
      this.logger.warn({ tenantId, agent, deploymentId: active.deploymentId, problems: checked.problems.slice(0, 5) }, 'artifact triggers do not pass the trigger rules; none registered');
      outcome = 'invalid';
    } else {
      const addScheduledAt = declaresScheduledAt(document.input?.schema);
      triggers = checked.triggers.flatMap((t) => toNewTrigger(t, addScheduledAt, now));
    }
    const changed = await this.repository.replace(tenantId, agent, { deploymentId: active.deploymentId, version: active.version, artifactHash: active.artifactHash, triggers });
    if (!changed && outcome === 'replaced') outcome = 'unchanged';
    this.registrations.inc({ outcome });
    this.logger.info({ tenantId, agent, deploymentId: active.deploymentId, version: active.version, triggers: triggers.length, outcome }, 'triggers registered');
    return outcome;
  }

  /**
   * One pass of the schedule clock: claims the due schedules (SKIP LOCKED), and for each fires the
   * latest due tick when it is within the catch-up window — older due ticks are skipped and
   * counted — by inserting (trigger, tick) once and submitting the run in the same transaction.
   */
  async tick(now = new Date()): Promise<number> {
    let fired = 0;
    await this.repository.withDueSchedules(now, CLAIM_BATCH, async (rows, tx) => {
      for (const row of rows) {
        const { cron, timezone } = row.spec;
        if (!cron || !timezone || !row.nextFireAt) continue;
        const due = dueTicks(cron, timezone, row.nextFireAt, now);
        const next = nextTick(cron, timezone, now);
        const onTime = now.getTime() - due.latest.getTime() <= this.options.catchupMs;
        const skipped = due.count - (onTime ? 1 : 0);
        if (skipped > 0) this.missedTicks.inc({ outcome: 'skipped' }, skipped);
        if (!onTime || !(await tx.claimTick(row, due.latest))) {
          await tx.advance(row, next, null, skipped);
          continue;
        }
        if (due.count > 1 || now.getTime() - due.latest.getTime() > 2 * this.options.tickIntervalMs + 1_000) this.missedTicks.inc({ outcome: 'caught_up' });
        const scheduledAt = due.latest.toISOString();
        const input = { ...(row.spec.input ?? {}), ...(row.spec.addScheduledAt ? { scheduledAt } : {}) };
        // Inside the claiming transaction: a failed submit rolls the claim back (tried again next pass);
        // the idempotency key makes a submit whose commit was lost answer with the same run.
        const runId = await this.submit(row, 'schedule', input, `trigger:schedule:${row.agent}:${row.triggerId}:${scheduledAt}`);
        await tx.recordTickRun(row, due.latest, runId);
        await tx.advance(row, next, now, skipped);
        fired++;
      }
    });
    return fired;
  }

  /**
   * An external event on `af.v1.ext.<tenant>.<rest>`: every active event trigger of that tenant
   * whose pattern matches `<rest>` starts a run with the event's payload as input (over the
   * trigger's `input` defaults). `eventId` (the stream sequence) makes a redelivery start no second run.
   */
  async onExternalEvent(subjectTenant: string, headerTenant: string | undefined, rest: string, payload: unknown, eventId: string): Promise<number> {
    if (!isTenantId(subjectTenant) || headerTenant !== subjectTenant) {
      this.eventsDropped.inc({ reason: 'tenant_mismatch' });
      return 0;
    }
    if (rest === '') {
      this.eventsDropped.inc({ reason: 'invalid_subject' });
      return 0;
    }
    const tenantId = subjectTenant;
    const matching = (await this.repository.activeEventTriggers(tenantId)).filter((t) => t.spec.subject && subjectMatches(t.spec.subject, rest));
    for (const row of matching) {
      const input = isPlainObject(payload) ? { ...(row.spec.input ?? {}), ...payload } : payload;
      await this.submit(row, 'event', input, `trigger:event:${row.agent}:${row.triggerId}:${eventId}`);
      await this.repository.recordFire(tenantId, row.agent, row.triggerId);
    }
    return matching.length;
  }

  /** The events dropped before any trigger was looked at (a payload that is not JSON). */
  dropEvent(reason: 'invalid_payload' | 'invalid_subject'): void {
    this.eventsDropped.inc({ reason });
  }

  /**
   * An inbound webhook (forwarded by the gateway, unauthenticated): the active webhook trigger,
   * its secret, a fresh signature never used before, a JSON body — then the run.
   */
  async hook(request: InboundHookRequest, now = Date.now()): Promise<MessageInitShape<typeof InboundHookReplySchema>> {
    const notFound = () => this.refuse('not_found', new AppError(ErrorCode.NotFound, 'no webhook trigger at this address'));
    if (!isTenantId(request.tenantId) || !isDnsLabel(request.agent) || !isDnsLabel(request.triggerId)) throw notFound();
    const tenantId = request.tenantId;
    const row = await this.repository.findActive(tenantId, request.agent, request.triggerId, 'webhook');
    if (!row || !row.spec.secret) throw notFound();
    if (!request.signature) throw this.refuse('signature_missing', new AppError(ErrorCode.Unauthenticated, 'the x-af-signature header is missing', { path: '/signature' }));
    const parsed = SIGNATURE.exec(request.signature.trim());
    if (!parsed) throw this.refuse('signature_malformed', new AppError(ErrorCode.Unauthenticated, 'x-af-signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>', { path: '/signature' }));
    const [, t = '', v1 = ''] = parsed;
    if (Math.abs(now / 1000 - Number(t)) > HOOK_TOLERANCE_S) throw this.refuse('stale', new AppError(ErrorCode.Unauthenticated, `stale signature: its timestamp is more than ${HOOK_TOLERANCE_S} s from now`, { path: '/signature' }));
    if (request.body.byteLength > MAX_HOOK_BODY_BYTES) throw this.refuse('body_too_large', new AppError(ErrorCode.PayloadTooLarge, `the body may be at most ${MAX_HOOK_BODY_BYTES} bytes`, { path: '/body' }));
    const secret = await this.resolveSecret(tenantId, row);
    const expected = createHmac('sha256', secret).update(`${t}.`).update(request.body).digest();
    if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) throw this.refuse('bad_signature', new AppError(ErrorCode.Unauthenticated, 'the signature does not match', { path: '/signature' }));
    let input: unknown;
    try {
      input = JSON.parse(Buffer.from(request.body).toString('utf8'));
    } catch {
      throw this.refuse('body_invalid', new AppError(ErrorCode.InvalidArgument, 'the body must be JSON', { path: '/body' }));
    }
    if (!(await this.repository.useSignature(tenantId, `${t}.${v1}`))) throw this.refuse('replayed', new AppError(ErrorCode.Unauthenticated, 'replayed signature: it was used before', { path: '/signature' }));
    const key = `trigger:webhook:${createHash('sha256').update(`${request.agent}:${request.triggerId}:${t}.${v1}`).digest('hex')}`;
    const reply = await this.submitForReply(row, 'webhook', input, key);
    await this.repository.recordFire(tenantId, row.agent, row.triggerId);
    return { runId: reply.runId, status: reply.status };
  }

  async list(tenantId: TenantId, request: ListTriggersRequest): Promise<MessageInitShape<typeof ListTriggersReplySchema>> {
    if (request.agent !== '' && !isDnsLabel(request.agent)) throw AppError.invalid('agent must be a DNS label', '/agent');
    const rows = await this.repository.list(tenantId, request.agent);
    return {
      items: rows.map((r) => ({
        agent: r.agent,
        id: r.triggerId,
        type: r.type,
        version: r.version,
        cron: r.spec.cron ?? '',
        timezone: r.spec.timezone ?? '',
        subject: r.spec.subject ?? '',
        nextFireAt: r.nextFireAt?.toISOString() ?? '',
        lastFiredAt: r.lastFiredAt?.toISOString() ?? '',
        fired: r.fired,
      })),
    };
  }

  pruneSignatures(): Promise<number> {
    return this.repository.pruneSignatures(HOOK_NONCE_TTL_MS);
  }

  private async resolveSecret(tenantId: TenantId, row: TriggerRow): Promise<string> {
    const name = row.spec.secret ?? '';
    try {
      const reply = await this.bus.request('af.v1.secrets.resolve', { names: [name], runId: '', stepId: `webhook:${row.agent}:${row.triggerId}` }, { tenantId });
      const value = reply.items.find((i) => i.name === name)?.value;
      if (value) return value;
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.NotFound) throw error;
    }
    // The trigger names a secret the tenant has not set: nobody can sign for it.
    this.logger.warn({ tenantId, agent: row.agent, trigger: row.triggerId, secret: name }, 'webhook trigger secret is not set');
    throw this.refuse('bad_signature', new AppError(ErrorCode.Unauthenticated, 'the signature does not match', { path: '/signature' }));
  }

  private async submit(row: TriggerRow, type: 'schedule' | 'event' | 'webhook', input: unknown, idempotencyKey: string): Promise<string> {
    return (await this.submitForReply(row, type, input, idempotencyKey)).runId;
  }

  private async submitForReply(row: TriggerRow, type: 'schedule' | 'event' | 'webhook', input: unknown, idempotencyKey: string) {
    try {
      const reply = await this.bus.request(
        'af.v1.runs.submit',
        { agent: row.agent, inputJson: JSON.stringify(input ?? {}), caller: TRIGGER_CALLER, idempotencyKey: idempotencyKey.slice(0, 255), trigger: `${type}:${row.triggerId}` },
        { tenantId: row.tenantId },
      );
      this.fires.inc({ type, outcome: 'submitted' });
      return reply;
    } catch (error) {
      this.fires.inc({ type, outcome: 'failed' });
      throw error;
    }
  }

  private refuse(reason: HookRefusal, error: AppError): AppError {
    this.hookRefusals.inc({ reason });
    return error;
  }
}

/** The due ticks of a schedule from `from` (its stored next tick) up to `now`: how many, and the latest. */
export function dueTicks(cron: string, timezone: string, from: Date, now: Date): { latest: Date; count: number } {
  let latest = from;
  let count = 1;
  for (let t = nextTick(cron, timezone, from); t && t.getTime() <= now.getTime(); t = nextTick(cron, timezone, t)) {
    latest = t;
    if (++count >= MAX_COUNTED_TICKS) {
      // Down for very long: the rest are skipped in one step, the latest is found from `now`.
      const last = lastTickAtOrBefore(cron, timezone, now);
      if (last) latest = last;
      break;
    }
  }
  return { latest, count };
}

function lastTickAtOrBefore(cron: string, timezone: string, now: Date): Date | null {
  // croner has no previous-run query: step back one window at a time.
  for (const spanMs of [60_000, 3_600_000, 86_400_000, 31 * 86_400_000, 366 * 86_400_000]) {
    let last: Date | null = null;
    for (let t = nextTick(cron, timezone, new Date(now.getTime() - spanMs)); t && t.getTime() <= now.getTime(); t = nextTick(cron, timezone, t)) last = t;
    if (last) return last;
  }
  return null;
}

function toNewTrigger(t: NormalizedTrigger, addScheduledAt: boolean, now: Date): NewTrigger[] {
  switch (t.type) {
    case 'api':
      return [];
    case 'schedule': {
      const spec: StoredSpec = { cron: t.cron, timezone: t.timezone, input: t.input, addScheduledAt };
      return [{ triggerId: t.id, type: 'schedule', spec, nextFireAt: nextTick(t.cron, t.timezone, now) }];
    }
    case 'event':
      return [{ triggerId: t.id, type: 'event', spec: { subject: t.subject, input: t.input }, nextFireAt: null }];
    case 'webhook':
      return [{ triggerId: t.id, type: 'webhook', spec: { secret: t.secret }, nextFireAt: null }];
  }
}

/** The agent's input schema names `scheduledAt` as a property: a schedule's run gets the tick's time there. */
function declaresScheduledAt(schema: unknown): boolean {
  if (!isPlainObject(schema)) return false;
  const properties = schema['properties'];
  return isPlainObject(properties) && Object.hasOwn(properties, 'scheduledAt');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
