import type { JsonSchema, JsonValue } from '../artifacts/artifact.js';

export interface ToolCallRequest {
  id: string;
  tool: string;
  arguments: JsonValue;
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
  /** Structured run data behind the rendered prompt. Remote providers see only `messages`. */
  context: { input: JsonValue; variables: Record<string, JsonValue> };
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Either tool calls to make (then the conversation continues) or the final output. */
export type CompletionResult = ({ kind: 'tool_calls'; toolCalls: ToolCallRequest[] } | { kind: 'final'; output: JsonValue }) & { usage: TokenUsage; costUsd: number };

/**
 * A model backend, addressed by the provider part of route entries (`offline/default`,
 * later `openai/gpt-…`, `anthropic/claude-…`). Transient failures throw AppError UNAVAILABLE or
 * TIMEOUT so the router can fall back to the next entry.
 */
export interface ModelProvider {
  readonly name: string;
  complete(request: CompletionRequest): Promise<CompletionResult>;
}

export const MODEL_PROVIDERS = Symbol.for('af.worker.modelProviders');

/** A rough, provider-independent token estimate (~4 characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
