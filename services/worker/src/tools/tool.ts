import type { JsonValue } from '../artifacts/artifact.js';
import type { RunFetchBudget } from './fetch-budget.js';

export interface ToolContext {
  tenantId: string;
  runId: string;
  /** The agent (blueprint name) the run belongs to: the scope of its memory. */
  agent: string;
  artifactHash: string;
  /** What the run's tool code may still fetch (shared by every tool call of the run). */
  fetchBudget: RunFetchBudget;
  /**
   * The journal step of this call, `<runId>/<seq>`: the idempotency key of its effect outside
   * (http.request sends it as `Idempotency-Key`; the connectors record it). A redelivered run that
   * repeats a call whose completion was not stored repeats it with the same key.
   */
  stepId: string;
}

/** Something an agent can call: tool code in the sandbox or a platform-side builtin. */
export interface Tool {
  readonly name: string;
  readonly kind: 'code' | 'builtin';
  invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue>;
}
