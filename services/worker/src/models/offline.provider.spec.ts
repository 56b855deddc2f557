import { describe, expect, it } from '@jest/globals';
import type { TenantId } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { MetricsRegistry } from '@af/observability';
import { RunSteps } from '../journal/run-steps.js';
import type { StepJournalRepository } from '../journal/step-journal.repository.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { SchemaValidator } from '../runs/schema-validator.js';
import { ModelRouter } from './model-router.js';
import type { CompletionRequest } from './model-provider.js';
import { OfflineModelProvider, argumentsFor, confidenceOf } from './offline.provider.js';
import { SeededChoice, synthesize } from './output-synthesizer.js';

const schemas = new SchemaValidator();
const sut = new OfflineModelProvider();
const request = (over: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'default',
  messages: [{ role: 'user', content: 'Lead: hi' }],
  tools: [],
  outputSchema: null,
  context: { input: { message: 'hi' }, variables: {} },
  ...over,
});

const rich = {
  type: 'object',
  required: ['status', 'count', 'contact', 'tags', 'ratio'],
  properties: {
    status: { enum: ['new', 'won', 'lost'] },
    count: { type: 'integer', minimum: 5, maximum: 9 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    even: { type: 'integer', minimum: 1, maximum: 20, multipleOf: 2 },
    contact: {
      type: 'object',
      required: ['email', 'since', 'id'],
      properties: { email: { type: 'string', format: 'email' }, since: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' }, vip: { type: 'boolean' } },
      additionalProperties: false,
    },
    tags: { type: 'array', minItems: 2, maxItems: 4, items: { type: 'string', minLength: 12 } },
    note: { type: ['string', 'null'], maxLength: 4 },
    kind: { const: 'lead' },
    pick: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
  },
  additionalProperties: false,
};

describe(synthesize.name, () => {
  it('produces output valid against nested, enum, const, bounds and format constraints, for many seeds', () => {
    for (let seed = 0; seed < 200; seed++) {
      const output = synthesize(rich, [], new SeededChoice(String(seed)));
      expect(schemas.validate(rich, output)).toEqual([]);
    }
  });

  it('always includes required properties and is deterministic per seed', () => {
    const a = synthesize(rich, [], new SeededChoice('s'));
    expect(a).toEqual(synthesize(rich, [], new SeededChoice('s')));
    expect(Object.keys(a as object)).toEqual(expect.arrayContaining(['status', 'count', 'contact', 'tags', 'ratio']));
    const outputs = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(synthesize(rich, [], new SeededChoice(`x${i}`)))));
    expect(outputs.size).toBeGreaterThan(1);
  });

  it('takes fields from sources when they fit the schema, and synthesizes them when they do not', () => {
    const out = synthesize(rich, [{ count: 7, status: 'won' }, { count: 99, status: 'open', contact: { email: 'a@b.co', since: '2025-01-01T00:00:00Z', id: '00000000-0000-4000-8000-000000000000' } }], new SeededChoice('s')) as Record<string, unknown>;
    expect(out).toMatchObject({ count: 7, status: 'won', contact: { email: 'a@b.co' } });
    const other = synthesize(rich, [{ count: 99 }], new SeededChoice('s')) as Record<string, number>;
    expect(other['count']).toBeGreaterThanOrEqual(5);
    expect(other['count']).toBeLessThanOrEqual(9);
  });
});

describe(OfflineModelProvider.name, () => {
  const tool = { name: 'score_lead', description: '', inputSchema: { type: 'object', properties: { message: { type: 'string' }, company: { type: 'string' }, limit: { type: 'integer', minimum: 3 }, extra: { type: 'string' } }, required: ['message', 'limit'] } };

  it('first asks for every tool, with arguments from input, then variables, then type defaults', async () => {
    const result = await sut.complete(request({ tools: [tool], context: { input: { message: 'We need 40 seats' }, variables: { company: 'Acme' } } }));
    expect(result).toMatchObject({ kind: 'tool_calls', costUsd: 0, toolCalls: [{ id: 'call_0', tool: 'score_lead', arguments: { message: 'We need 40 seats', company: 'Acme', limit: 3 } }] });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(argumentsFor(tool, { input: {}, variables: {} })).toEqual({ message: '', limit: 3 });
  });

  it('then answers with output filled from tool results, valid against the schema, the same for the same input', async () => {
    const outputSchema = { type: 'object', properties: { qualified: { type: 'boolean' }, score: { type: 'number' } }, required: ['qualified'] };
    const messages: CompletionRequest['messages'] = [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', toolCalls: [] }, { role: 'tool', toolCallId: 'call_0', tool: 'score_lead', content: '{"score":29}' }];
    const input = { message: 'We need 40 seats, budget 50k' };
    const a = await sut.complete(request({ tools: [tool], messages, outputSchema, context: { input, variables: {} } }));
    expect(a).toMatchObject({ kind: 'final', output: { score: 29, qualified: expect.any(Boolean) }, costUsd: 0 });
    const b = await sut.complete(request({ tools: [tool], messages, outputSchema, context: { input: { ...input }, variables: {} } }));
    expect(b).toEqual(a);
  });
});

describe(ModelRouter.name, () => {
  // Route resolution fails before any step: a journal that is never reached (its calls would throw).
  const steps = new RunSteps({} as StepJournalRepository, 't' as TenantId, 'run', 1, 'w');
  const router = new ModelRouter([sut, { name: 'priced', supports: (m) => m === 'known', complete: () => Promise.reject(new Error('not called')) }], new WorkerMetrics(new MetricsRegistry('worker-test')));
  const valid = () => null;

  it('fails clearly, before any call, on an unknown provider or a model the configuration does not have', async () => {
    await expect(router.complete(['offline/default', 'anthropic/claude'], request(), steps, valid)).rejects.toMatchObject({
      code: ErrorCode.PreconditionFailed,
      path: '/spec/model/route/1',
      message: expect.stringContaining('unknown provider "anthropic" (configured: offline, priced)'),
    });
    await expect(router.complete(['priced/other'], request(), steps, valid)).rejects.toMatchObject({ code: ErrorCode.PreconditionFailed, path: '/spec/model/route/0', message: expect.stringContaining('has no model "other" configured') });
    await expect(router.complete(['offline'], request(), steps, valid)).rejects.toMatchObject({ code: ErrorCode.PreconditionFailed, message: expect.stringContaining('names no model') });
    await expect(router.complete([], request(), steps, valid)).rejects.toMatchObject({ code: ErrorCode.PreconditionFailed, path: '/spec/model/route' });
    expect(steps.executed + steps.replayed).toBe(0);
  });
});

describe('offline model: stated reasons and confidence (governance)', () => {
  const tool = { name: 'notify', description: 'Sends the lead a confirmation mail', inputSchema: { type: 'object' } };

  it('states a reason for every tool call, from the tool description', async () => {
    const result = await sut.complete(request({ tools: [tool, { ...tool, name: 'bare', description: '' }] }));
    expect(result.kind).toBe('tool_calls');
    if (result.kind !== 'tool_calls') return;
    expect(result.toolCalls.map((c) => c.reason)).toEqual(['the task calls for notify (Sends the lead a confirmation mail)', 'the task calls for bare']);
  });

  it('states confidence 1 by default, offlineConfidence from the input or else the prompt variables, clamped to [0, 1]', async () => {
    const final = async (context: CompletionRequest['context']) => {
      const result = await sut.complete(request({ context }));
      if (result.kind !== 'final') throw new Error('expected a final answer');
      return result.confidence;
    };
    expect(await final({ input: {}, variables: {} })).toBe(1);
    expect(await final({ input: {}, variables: { offlineConfidence: 0.2 } })).toBe(0.2);
    expect(await final({ input: { offlineConfidence: 0.4 }, variables: { offlineConfidence: 0.2 } })).toBe(0.4);
    expect(confidenceOf({ input: { offlineConfidence: 7 }, variables: {} })).toBe(1);
    expect(confidenceOf({ input: { offlineConfidence: -1 }, variables: {} })).toBe(0);
    expect(confidenceOf({ input: { offlineConfidence: 'high' }, variables: {} })).toBe(1);
  });
});
