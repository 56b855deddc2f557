import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { JsonValue } from '../artifacts/artifact.js';
import { ModelCallError, type CompletionRequest, type CompletionResult, type ModelPricing, type ModelProvider, type ToolCallRequest } from './model-provider.js';
import { costOf, type ProviderSettings } from './provider-config.js';
import { parseArguments, parseFinalOutput, withTimeout } from './remote-call.js';

/** Asked of every remote model: a final answer is one JSON value, nothing around it. */
export const ANSWER_IN_JSON = 'When you give your final answer, reply with a single JSON value only (no prose, no code fence).';

/**
 * An OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LiteLLM…)
 * through the official `openai` SDK pointed at the configured base URL: tools as functions,
 * the output schema as `response_format: json_schema`, answers streamed (SSE chunks; tool-call
 * deltas assembled by index) with usage in the last chunk. The SDK's own retries are off — the
 * router decides what happens after a failure.
 */
export class OpenAiCompatibleProvider implements ModelProvider {
  readonly name: string;
  readonly endpoint: string;
  readonly apiKeySecret: string;
  private readonly client: OpenAI;

  constructor(private readonly settings: ProviderSettings) {
    this.name = settings.name;
    this.endpoint = settings.baseUrl;
    this.apiKeySecret = settings.apiKeySecret;
    this.client = new OpenAI({
      baseURL: settings.baseUrl,
      // Local servers (Ollama, vLLM) take no key; the SDK insists on a string.
      apiKey: settings.apiKey || 'none',
      maxRetries: 0,
      timeout: settings.timeoutMs,
      // Every failure is reported on the run (usage.calls[].error) and in metrics; the SDK's own console logging is off.
      logLevel: 'off',
      defaultHeaders: settings.headers,
      defaultQuery: settings.query,
    });
  }

  supports(model: string): boolean {
    return Object.hasOwn(this.settings.models, model);
  }

  pricing(model: string): ModelPricing | undefined {
    const price = Object.hasOwn(this.settings.models, model) ? this.settings.models[model] : undefined;
    return price ? { price, maxOutputTokens: this.settings.maxOutputTokens } : undefined;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const price = this.settings.models[request.model];
    if (!price) throw new ModelCallError('refused', `${this.name}: model "${request.model}" is not configured`);
    const body: ChatCompletionCreateParamsStreaming = {
      model: request.model,
      messages: toMessages(request),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: this.settings.maxOutputTokens,
      ...(request.tools.length > 0 ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.inputSchema as Record<string, unknown> } })) } : {}),
      response_format: request.outputSchema ? { type: 'json_schema', json_schema: { name: 'output', schema: request.outputSchema as Record<string, unknown>, strict: false } } : { type: 'json_object' },
    };
    return withTimeout(this.settings.timeoutMs, this.name, async (signal) => {
      // A tenant's own key replaces the configured one for this call only.
      const stream = await this.client.chat.completions.create(body, { signal, ...(request.apiKey ? { headers: { authorization: `Bearer ${request.apiKey}` } } : {}) });
      let text = '';
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let usage: ChatCompletionChunk['usage'] | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          text += delta.content;
          request.onToken?.(delta.content);
        }
        for (const d of delta.tool_calls ?? []) {
          const call = calls.get(d.index) ?? { id: '', name: '', args: '' };
          if (d.id) call.id = d.id;
          if (d.function?.name) call.name += d.function.name;
          if (d.function?.arguments) call.args += d.function.arguments;
          calls.set(d.index, call);
        }
      }
      const tokens = { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, cachedInputTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0 };
      const costUsd = costOf(price, tokens);
      if (calls.size > 0) {
        const toolCalls = [...calls.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, c]): ToolCallRequest => ({ id: c.id || `call_${index}`, tool: c.name, arguments: parseArguments(c.args, c.name, this.name), ...(text.trim() ? { reason: text.trim() } : {}) }));
        return { kind: 'tool_calls', toolCalls, usage: tokens, costUsd };
      }
      return { kind: 'final', output: parseFinalOutput(text, this.name), usage: tokens, costUsd };
    });
  }
}

function toMessages(request: CompletionRequest): ChatCompletionMessageParam[] {
  return request.messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
        return { role: 'system', content: `${m.content}\n\n${ANSWER_IN_JSON}` };
      case 'user':
        return { role: 'user', content: m.content };
      case 'assistant':
        return m.toolCalls.length > 0
          ? { role: 'assistant', content: m.content || null, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.tool, arguments: JSON.stringify(c.arguments as JsonValue) } })) }
          : { role: 'assistant', content: m.content };
      case 'tool':
        return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    }
  });
}
