import { createHash } from 'node:crypto';
import { BUILTIN_NAMES, type BuiltinName } from '@af/blueprint-format';
import type { JsonValue } from '../artifacts/artifact.js';
import type { Tool, ToolContext } from './tool.js';

/**
 * Platform-side connectors to systems this platform has no account with yet (mail, CRM,
 * payments, contacts). Until a connector is configured each one is a deterministic local effect
 * that returns `simulated: true` and what it would have done (`effect`), so runs stay
 * reproducible and governance (policy decision point, approvals) has one place to intercept them.
 * `http.request` is real: see HttpRequestTool.
 */
type Args = Record<string, JsonValue>;

function argsOf(value: JsonValue): Args {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/**
 * A stable id derived from the run and the call's arguments (same call → same id). Each effect
 * also records the call's idempotency key (its journal step id, `<runId>/<seq>`).
 */
function effectId(prefix: string, ctx: ToolContext, args: JsonValue): string {
  return `${prefix}_${createHash('sha256').update(`${ctx.tenantId}\0${ctx.runId}\0${JSON.stringify(args)}`).digest('hex').slice(0, 16)}`;
}

const str = (value: JsonValue | undefined, fallback = ''): string => (typeof value === 'string' ? value : value === undefined || value === null ? fallback : JSON.stringify(value));

/** One connector per builtin of the catalogue (@af/blueprint-format) but http.request (HttpRequestTool): the compiler checks that none is missing. */
const handlers: Record<Exclude<BuiltinName, 'http.request'>, (args: Args, ctx: ToolContext, raw: JsonValue) => JsonValue> = {
  'email.send': (a, ctx, raw) => ({
    simulated: true,
    messageId: effectId('msg', ctx, raw),
    effect: { kind: 'email.send', idempotencyKey: ctx.stepId, to: str(a['to']), subject: str(a['subject']) },
  }),
  'crm.update': (a, ctx, raw) => ({
    simulated: true,
    updated: true,
    recordId: str(a['recordId'] ?? a['id'], effectId('rec', ctx, raw)),
    effect: { kind: 'crm.update', idempotencyKey: ctx.stepId, fields: Object.keys(argsOf(a['fields'] ?? a)).sort() },
  }),
  'payment.process': (a, ctx, raw) => ({
    simulated: true,
    status: 'authorized',
    transactionId: effectId('txn', ctx, raw),
    effect: { kind: 'payment.process', idempotencyKey: ctx.stepId, amount: typeof a['amount'] === 'number' ? a['amount'] : 0, currency: str(a['currency'], 'USD') },
  }),
  'contact.delete': (a, ctx, raw) => ({
    simulated: true,
    deleted: true,
    contactId: str(a['contactId'] ?? a['id'], effectId('contact', ctx, raw)),
    effect: { kind: 'contact.delete', idempotencyKey: ctx.stepId },
  }),
};

export const BUILTIN_TOOL_NAMES: readonly string[] = BUILTIN_NAMES;

export class BuiltinTool implements Tool {
  readonly kind = 'builtin' as const;
  private readonly handler: (args: Args, ctx: ToolContext, raw: JsonValue) => JsonValue;

  constructor(
    readonly name: string,
    readonly builtin: string,
  ) {
    const handler = Object.hasOwn(handlers, builtin) ? handlers[builtin as keyof typeof handlers] : undefined;
    if (!handler) throw new TypeError(`unknown builtin tool ${builtin}`);
    this.handler = handler;
  }

  async invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue> {
    return this.handler(argsOf(args), ctx, args);
  }
}
