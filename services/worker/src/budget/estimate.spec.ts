import { describe, expect, it } from '@jest/globals';
import type { ChatMessage, ToolDefinition } from '../models/model-provider.js';
import { countTextTokens, estimateCall } from './estimate.js';

const pricing = { price: { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 }, maxOutputTokens: 1_000 };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You qualify leads for Acme.' },
  { role: 'user', content: 'We need 40 seats' },
];
const tool: ToolDefinition = { name: 'score_lead', description: 'Scores a lead', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } };

describe('estimateCall: the worst case of a model call before it is made', () => {
  it('counts prompt tokens with the BPE tokenizer (o200k_base), not characters / 4', () => {
    expect(countTextTokens('hello world')).toBe(2);
    expect(countTextTokens('')).toBe(0);
    // Text that looks like a special token is user text: counted, never rejected.
    expect(countTextTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('prices the prompt at the input price and the provider maxOutputTokens at the output price', () => {
    const estimate = estimateCall({ messages, tools: [], outputSchema: null }, pricing);
    expect(estimate.maxOutputTokens).toBe(1_000);
    expect(estimate.inputTokens).toBeGreaterThan(countTextTokens('You qualify leads for Acme.We need 40 seats'));
    expect(estimate.inputTokens).toBeLessThan(80);
    expect(estimate.estimateUsd).toBeCloseTo((estimate.inputTokens * 2 + 1_000 * 8) / 1_000_000, 12);
  });

  it('grows with the tool definitions, the output schema, tool results and tool calls as sent', () => {
    const bare = estimateCall({ messages, tools: [], outputSchema: null }, pricing).inputTokens;
    const withTools = estimateCall({ messages, tools: [tool], outputSchema: null }, pricing).inputTokens;
    const withSchema = estimateCall({ messages, tools: [tool], outputSchema: { type: 'object', properties: { qualified: { type: 'boolean' } }, required: ['qualified'] } }, pricing).inputTokens;
    expect(withTools).toBeGreaterThan(bare + 10);
    expect(withSchema).toBeGreaterThan(withTools + 5);
    const turn: ChatMessage[] = [...messages, { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', tool: 'score_lead', arguments: { message: 'We need 40 seats' } }] }, { role: 'tool', toolCallId: 'call_0', tool: 'score_lead', content: JSON.stringify({ notes: 'x '.repeat(500) }) }];
    const second = estimateCall({ messages: turn, tools: [tool], outputSchema: null }, pricing).inputTokens;
    expect(second).toBeGreaterThan(withTools + 500);
  });

  it('is zero-priced for a free local model but still counts its tokens', () => {
    const free = estimateCall({ messages, tools: [], outputSchema: null }, { price: { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 }, maxOutputTokens: 4_096 });
    expect(free.estimateUsd).toBe(0);
    expect(free.inputTokens).toBeGreaterThan(0);
  });
});
