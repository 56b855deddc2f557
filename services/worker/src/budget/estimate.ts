import { countTokens } from 'gpt-tokenizer';
import type { ChatMessage, CompletionRequest, ModelPricing } from '../models/model-provider.js';
import { ANSWER_IN_JSON } from '../models/openai.provider.js';
import { costOf } from '../models/provider-config.js';

/** The worst case of one model call, before it is made: what a budget reservation is for. */
export interface CallEstimate {
  /** Prompt tokens counted over what is sent (messages, tool definitions, output schema). */
  inputTokens: number;
  /** The provider's max_tokens: the most the answer can cost. */
  maxOutputTokens: number;
  /** inputTokens at the input price + maxOutputTokens at the output price (no cache discount assumed). */
  estimateUsd: number;
}

/** Framing tokens per chat message (role, separators) and per request (the reply's priming), as OpenAI's chat format counts them. */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_REQUEST = 3;
/** User text may contain strings that look like special tokens (`<|endoftext|>`): counted as plain text. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of a text with the o200k_base encoding (gpt-tokenizer's default: GPT-4o and later). */
export function countTextTokens(text: string): number {
  return text ? countTokens(text, PLAIN_TEXT) : 0;
}

function messageText(message: ChatMessage): string {
  switch (message.role) {
    case 'system':
      // Both remote providers append the JSON-only instruction to the system prompt.
      return `${message.content}\n\n${ANSWER_IN_JSON}`;
    case 'user':
      return message.content;
    case 'assistant':
      return message.toolCalls.length > 0 ? `${message.content}${JSON.stringify(message.toolCalls.map((c) => ({ id: c.id, name: c.tool, arguments: c.arguments })))}` : message.content;
    case 'tool':
      return `${message.toolCallId}${message.content}`;
  }
}

/**
 * Worst-case cost of a call of a priced provider: the prompt counted with a real BPE tokenizer
 * (gpt-tokenizer, o200k_base) over the messages, the tool definitions and the output schema as
 * they are sent, plus the provider's maxOutputTokens, priced by the configured price table.
 * Another model family tokenizes differently (a few percent either way); the settle records
 * what the provider reported, and the reservation only has to hold the call's order of magnitude.
 */
export function estimateCall(request: Pick<CompletionRequest, 'messages' | 'tools' | 'outputSchema'>, pricing: ModelPricing): CallEstimate {
  let inputTokens = TOKENS_PER_REQUEST;
  for (const message of request.messages) inputTokens += TOKENS_PER_MESSAGE + countTextTokens(messageText(message));
  if (request.tools.length > 0) inputTokens += countTextTokens(JSON.stringify(request.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.inputSchema }))));
  if (request.outputSchema) inputTokens += countTextTokens(JSON.stringify(request.outputSchema));
  const maxOutputTokens = pricing.maxOutputTokens;
  return { inputTokens, maxOutputTokens, estimateUsd: costOf(pricing.price, { inputTokens, outputTokens: maxOutputTokens, cachedInputTokens: 0 }) };
}
