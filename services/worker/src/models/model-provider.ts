import type { JsonSchema, JsonValue } from '../artifacts/artifact.js';
import type { ModelPrice } from './provider-config.js';

export interface ToolCallRequest {
  id: string;
  tool: string;
  arguments: JsonValue;
  /** The model's stated reason for the call (an approver reads it in the escalation). */
  reason?: string;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCallRequest[] }
  | { role: 'tool'; toolCallId: string; tool: string; content: string };

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface CompletionRequest {
  /** The model part of a route entry `provider/model`. */
  model: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  /** The final answer must be JSON valid against this schema (null: any JSON object). */
  outputSchema: JsonSchema | null;
  /** This call's key when the tenant has its own (the provider's `apiKeySecret`); never stored or logged. */
  apiKey?: string;
  /** Structured run data behind the rendered prompt. Remote providers see only `messages`. */
  context: { input: JsonValue; variables: Record<string, JsonValue>; memory?: JsonValue[] };
  /** Called with each text delta of the answer as it streams (never with tool-call argument deltas). Must not throw or block. */
  onToken?: (text: string) => void;
}

/** What a call of a priced (configured) provider's model costs at most: its price table and max_tokens. */
export interface ModelPricing {
  price: ModelPrice;
  maxOutputTokens: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
}

/** Either tool calls to make (then the conversation continues) or the final output. */
export type CompletionResult = (
  | { kind: 'tool_calls'; toolCalls: ToolCallRequest[] }
  /** `confidence` in [0, 1], when the model states one: checked against the blueprint's output.minConfidence. */
  | { kind: 'final'; output: JsonValue; confidence?: number }
) & { usage: TokenUsage; costUsd: number };

/**
 * A model backend, addressed by the provider part of route entries (`offline/default`,
 * later `openai/gpt-…`, `anthropic/claude-…`). Transient failures throw AppError UNAVAILABLE or
 * TIMEOUT so the router can fall back to the next entry.
 */
export interface ModelProvider {
  readonly name: string;
  /** The endpoint the circuit breaker guards (providers sharing one endpoint share a breaker). */
  readonly endpoint?: string;
  /** The secret holding a tenant's own key for this provider ('' / absent: the configured key for everyone). */
  readonly apiKeySecret?: string;
  /** Whether the configuration knows this model (with its prices); absent: any model. */
  supports?(model: string): boolean;
  /** The model's prices and max output tokens; absent (the offline provider): not metered — no estimate, no budget reservation. */
  pricing?(model: string): ModelPricing | undefined;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}

/** Why a model call failed, as the router sees it. */
export type CallFailure = 'rate_limited' | 'timeout' | 'unavailable' | 'refused' | 'output_invalid';

/**
 * A failed model call. rate_limited (429), timeout, unavailable (5xx, connection error) and
 * output_invalid (unparseable answer) move the route to its next entry; refused (another 4xx: a
 * bad key, an unknown model) fails the run.
 */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(
    readonly outcome: CallFailure,
    message: string,
    /** A 429's retry-after, when the provider stated one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export const MODEL_PROVIDERS = Symbol.for('af.worker.modelProviders');

/** A rough, provider-independent token estimate (~4 characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
