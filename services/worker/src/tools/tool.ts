import type { JsonValue } from '../artifacts/artifact.js';
import type { RunFetchBudget } from './fetch-budget.js';
import type { RunMemoryAccess } from '../memory/memory-access.js';

export interface ToolContext {
  tenantId: string;
  runId: string;
  /** The agent (blueprint name) the run belongs to: the scope of its memory. */
  agent: string;
  artifactHash: string;
  /** What the run's tool code may still fetch (shared by every tool call of the run). */
  fetchBudget: RunFetchBudget;
  /** The run's memory scope (access level, team, read-only) for the memory bridges; absent: self, writable. */
  memory?: RunMemoryAccess;
  /** The run's working-memory scope (thread, user or the run) for `memory.search({tier: 'working'})`. */
  workingScope?: { scope: string; scopeId: string };
  /**
   * The journal step of this call, `<runId>/<seq>`: the idempotency key of its effect outside
   * (http.request sends it as `Idempotency-Key`; the connectors record it). A redelivered run that
   * repeats a call whose completion was not stored repeats it with the same key.
   */
  stepId: string;
  /**
   * Set by the sandbox bridges when a call to the platform itself (memory, secrets) failed because
   * the platform was away (UNAVAILABLE / TIMEOUT: NATS frozen, the memory service down). The tool
   * code saw an error it may have caught or turned into its own; the executor does not store such a
   * step's outcome — the run is handed back and the step runs again once the platform is back
   * (the same step id, so the same idempotency keys). Shared by reference with the call's bridges.
   */
  platformOutage?: { error?: unknown };
}

/** Something an agent can call: tool code in the sandbox or a platform-side builtin. */
export interface Tool {
  readonly name: string;
  readonly kind: 'code' | 'builtin';
  invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue>;
}
