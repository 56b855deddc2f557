import { describe, expect, it } from '@jest/globals';
import { create, toBinary } from '@bufbuild/protobuf';
import { RunFailedSchema, RunSucceededSchema } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';
import type { ToolCallRecord } from './agent-executor.js';
import { MAX_TOOL_CALL_RECORDS, boundFailed, boundSucceeded, boundedOutputJson, jsonPreview, textPreview } from './run-event.limits.js';

const limits = { fieldPreviewBytes: 16_384, maxEventBytes: 262_144, maxOutputBytes: 131_072 };
const call = (size: number, fill = 'x'): ToolCallRecord => ({ tool: 'score', argumentsJson: JSON.stringify({ m: fill.repeat(size) }), resultJson: JSON.stringify({ r: fill.repeat(size) }), durationMs: 1, error: '' });

describe('run event limits', () => {
  it('keeps short fields as they are and cuts long ones to previews that still parse', () => {
    expect(jsonPreview('{"a":1}', 100)).toEqual({ value: '{"a":1}', truncated: false });
    const cut = jsonPreview(JSON.stringify({ m: '"\u0000é'.repeat(10_000) }), 1_000);
    expect(cut.truncated).toBe(true);
    expect(Buffer.byteLength(cut.value)).toBeLessThanOrEqual(1_000);
    expect(typeof JSON.parse(cut.value)).toBe('string');
    expect(JSON.parse(cut.value)).toMatch(/^\{"m":"/);
    const text = textPreview('é'.repeat(2_000_000), 16_384);
    expect(Buffer.byteLength(text.value)).toBeLessThanOrEqual(16_384);
    expect(text.value).toMatch(/… \[truncated: 4000000 bytes\]$/);
  });

  it('bounds a RunSucceeded with huge tool calls and input under the event budget, marking what was cut', () => {
    const calls = [call(10), call(600_000), ...Array.from({ length: 40 }, () => call(50_000, '"'))];
    const bounded = boundSucceeded(JSON.stringify({ message: 'y'.repeat(900_000) }), '{"ok":true}', calls, limits);
    const event = toBinary(RunSucceededSchema, create(RunSucceededSchema, { runId: 'r', outputJson: '{"ok":true}', ...bounded }));
    expect(event.byteLength).toBeLessThanOrEqual(limits.maxEventBytes);
    expect(bounded.truncated).toBe(true);
    expect(bounded.toolCalls[0]).toMatchObject({ truncated: false, argumentsJson: JSON.stringify({ m: 'x'.repeat(10) }) });
    expect(bounded.toolCalls[1]?.truncated).toBe(true);
    expect(bounded.toolCalls.at(-1)).toMatchObject({ tool: 'score', argumentsJson: '', resultJson: '', truncated: true });
    expect(bounded.toolCalls).toHaveLength(42);
    expect(typeof JSON.parse(bounded.inputJson)).toBe('string');
    expect(boundSucceeded('{}', '{}', Array.from({ length: MAX_TOOL_CALL_RECORDS + 5 }, () => call(1)), limits).toolCalls).toHaveLength(MAX_TOOL_CALL_RECORDS);
  });

  it('bounds a RunFailed with a 2 MB error message, large details and tool calls', () => {
    const error = new AppError(ErrorCode.ToolFailed, 'boom '.repeat(400_000), { path: '/spec/tools/0/code', details: { blob: 'z'.repeat(300_000) } });
    const bounded = boundFailed(error, Array.from({ length: 30 }, () => ({ ...call(40_000, '"'), error: 'e'.repeat(2_000_000) })), limits);
    const event = toBinary(RunFailedSchema, create(RunFailedSchema, { runId: 'r', error: { code: error.code, message: bounded.message, path: '', detailsJson: bounded.detailsJson }, truncated: bounded.truncated }));
    expect(event.byteLength).toBeLessThanOrEqual(limits.maxEventBytes);
    expect(bounded.truncated).toBe(true);
    expect(bounded.message).toMatch(/^boom boom .*… \[truncated: 2000000 bytes\]$/s);
    const details = JSON.parse(bounded.detailsJson) as { details: unknown; toolCalls: { truncated: boolean }[] };
    expect(typeof details.details).toBe('string');
    expect(details.toolCalls).toHaveLength(30);
    expect(boundFailed(new AppError(ErrorCode.NotFound, 'gone'), [], limits)).toEqual({ message: 'gone', detailsJson: '', truncated: false });
  });

  it('refuses an output over the output limit with PAYLOAD_TOO_LARGE at /output', () => {
    expect(boundedOutputJson({ a: 1 }, limits)).toBe('{"a":1}');
    expect(() => boundedOutputJson({ notes: 'n'.repeat(200_000) }, limits)).toThrow(expect.objectContaining({ code: ErrorCode.PayloadTooLarge, path: '/output' }));
  });
});
