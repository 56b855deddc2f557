import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { ModelCallError, type CompletionRequest, type CompletionResult, type ModelPricing, type ModelProvider, type ToolCallRequest } from './model-provider.js';
import { ANSWER_IN_JSON } from './openai.provider.js';
import { costOf, type ProviderSettings } from './provider-config.js';
import { parseArguments, parseFinalOutput, withTimeout } from './remote-call.js';

/**
 * The Anthropic Messages API through the official `@anthropic-ai/sdk` pointed at the configured
 * base URL: tools with input_schema, tool_use / tool_result blocks, the output schema as
 * `output_config.format` (json_schema), the answer streamed (message_start → content_block_* with
 * text and input_json deltas → message_delta with the output tokens). SDK retries off.
 */
export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  readonly endpoint: string;
  readonly apiKeySecret: string;
  private readonly client: Anthropic;

  constructor(private readonly settings: ProviderSettings) {
    this.name = settings.name;
    this.endpoint = settings.baseUrl;
    this.apiKeySecret = settings.apiKeySecret;
    this.client = new Anthropic({
      baseURL: settings.baseUrl,
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
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
    const body: MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: this.settings.maxOutputTokens,
      system: [...system, ANSWER_IN_JSON].join('\n\n'),
      messages: toMessages(request),
      stream: true,
      ...(request.tools.length > 0 ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: { type: 'object' as const, ...(t.inputSchema as Record<string, unknown>) } })) } : {}),
      ...(request.outputSchema ? { output_config: { format: { type: 'json_schema' as const, schema: request.outputSchema as Record<string, unknown> } } } : {}),
    };
    return withTimeout(this.settings.timeoutMs, this.name, async (signal) => {
      // A tenant's own key replaces the configured one for this call only.
      const stream = await this.client.messages.create(body, { signal, ...(request.apiKey ? { headers: { 'x-api-key': request.apiKey } } : {}) });
      const blocks = new Map<number, { kind: 'text' | 'tool_use' | 'other'; id: string; name: string; text: string }>();
      let inputTokens = 0;
      let cachedInputTokens = 0;
      let outputTokens = 0;
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start': {
            const u = event.message.usage;
            cachedInputTokens = u.cache_read_input_tokens ?? 0;
            // Anthropic counts cache reads and writes apart from input_tokens; ours include them.
            inputTokens = (u.input_tokens ?? 0) + cachedInputTokens + (u.cache_creation_input_tokens ?? 0);
            outputTokens = u.output_tokens ?? 0;
            break;
          }
          case 'content_block_start': {
            const b = event.content_block;
            blocks.set(event.index, b.type === 'text' ? { kind: 'text', id: '', name: '', text: b.text } : b.type === 'tool_use' ? { kind: 'tool_use', id: b.id, name: b.name, text: '' } : { kind: 'other', id: '', name: '', text: '' });
            break;
          }
          case 'content_block_delta': {
            const block = blocks.get(event.index);
            if (!block) break;
            if (event.delta.type === 'text_delta') {
              block.text += event.delta.text;
              if (block.kind === 'text') request.onToken?.(event.delta.text);
            }
            else if (event.delta.type === 'input_json_delta') block.text += event.delta.partial_json;
            break;
          }
          case 'message_delta':
            // Cumulative counts.
            if (typeof event.usage.output_tokens === 'number') outputTokens = event.usage.output_tokens;
            break;
          default:
            break;
        }
      }
      const tokens = { inputTokens, outputTokens, cachedInputTokens };
      const costUsd = costOf(price, tokens);
      const ordered = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
      const text = ordered.filter((b) => b.kind === 'text').map((b) => b.text).join('');
      const uses = ordered.filter((b) => b.kind === 'tool_use');
      if (uses.length > 0) {
        const toolCalls = uses.map((b): ToolCallRequest => ({ id: b.id, tool: b.name, arguments: parseArguments(b.text, b.name, this.name), ...(text.trim() ? { reason: text.trim() } : {}) }));
        return { kind: 'tool_calls', toolCalls, usage: tokens, costUsd };
      }
      return { kind: 'final', output: parseFinalOutput(text, this.name), usage: tokens, costUsd };
    });
  }
}

/** Our conversation as Messages: tool results of one turn go back together in one user message. */
function toMessages(request: CompletionRequest): MessageParam[] {
  const out: MessageParam[] = [];
  for (const m of request.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'assistant') {
      out.push({
        role: 'assistant',
        content: [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.tool, input: c.arguments }))],
      });
    } else if (m.role === 'tool') {
      const result: ToolResultBlockParam = { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content };
      const last = out.at(-1);
      if (last?.role === 'user' && Array.isArray(last.content) && last.content.every((b) => b.type === 'tool_result')) (last.content as ToolResultBlockParam[]).push(result);
      else out.push({ role: 'user', content: [result] });
    }
  }
  return out;
}
