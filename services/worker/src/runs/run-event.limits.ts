import { AppError, ErrorCode } from '@af/errors';
import { utf8Prefix } from '@af/messaging';
import type { ToolCallRecord } from './agent-executor.js';

/**
 * How large a run event (RunSucceeded / RunFailed on AF_EVENTS) may get. Defaults (worker config,
 * `WORKER_EVENT_*`, `WORKER_RUN_MAX_OUTPUT_BYTES`): 16 KiB per field preview, 256 KiB per event,
 * 128 KiB of output. NATS carries at most `max_payload` (1 MiB by default) per message: an event
 * over it could never be stored, and its run would be retried — tools and all — until MaxDeliver.
 *
 * - Tool-call arguments/results longer than a field preview travel as a JSON string holding the
 *   first bytes of the original JSON text, with `truncated: true` on the call; errors and the run's
 *   input likewise. Once the event's budget is spent, further calls keep only their tool name,
 *   duration and a short error preview. At most {@link MAX_TOOL_CALL_RECORDS} calls are carried.
 * - The run's output is never cut: a run whose output is larger than `maxOutputBytes` fails on
 *   its first attempt with PAYLOAD_TOO_LARGE at `/output`.
 */
export interface RunEventLimits {
  fieldPreviewBytes: number;
  maxEventBytes: number;
  maxOutputBytes: number;
}

export const RUN_EVENT_LIMITS = Symbol('RUN_EVENT_LIMITS');

/** Calls carried in one event at most; the rest are counted in the event's `truncated` marker. */
export const MAX_TOOL_CALL_RECORDS = 256;
/** Error preview of a call once the event's budget is spent. */
const ELIDED_ERROR_BYTES = 256;
/** Room for the event's fixed fields (ids, usage, timestamps, protobuf framing). */
const EVENT_OVERHEAD_BYTES = 2_048;
/** Protobuf framing and fixed fields of one ToolCall. */
const CALL_OVERHEAD_BYTES = 32;

export interface Preview {
  value: string;
  truncated: boolean;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Plain text of at most `maxBytes`: a cut one ends in "… [truncated: N bytes]". */
export function textPreview(text: string, maxBytes: number): Preview {
  const size = bytes(text);
  if (size <= maxBytes) return { value: text, truncated: false };
  const note = `… [truncated: ${size} bytes]`;
  return { value: utf8Prefix(text, Math.max(0, maxBytes - bytes(note))) + note, truncated: true };
}

/**
 * JSON text of at most `maxBytes`. A longer one becomes a JSON string holding its first bytes, so
 * the field still parses as JSON (as a string) wherever it is read.
 */
export function jsonPreview(json: string, maxBytes: number): Preview {
  if (bytes(json) <= maxBytes) return { value: json, truncated: false };
  let keep = maxBytes;
  for (;;) {
    const value = JSON.stringify(utf8Prefix(json, keep));
    const size = bytes(value);
    if (size <= maxBytes || keep === 0) return { value: size <= maxBytes ? value : '""', truncated: true };
    // Escaping made it longer: keep proportionally less (always strictly less).
    keep = Math.min(keep - 1, Math.floor((keep * maxBytes) / size));
  }
}

export interface BoundedToolCall extends ToolCallRecord {
  truncated: boolean;
}

/** Tool-call records that fit in `budgetBytes` (see {@link RunEventLimits}). */
export function boundToolCalls(calls: readonly ToolCallRecord[], fieldPreviewBytes: number, budgetBytes: number): { toolCalls: BoundedToolCall[]; truncated: boolean } {
  let left = budgetBytes;
  let truncated = calls.length > MAX_TOOL_CALL_RECORDS;
  const toolCalls = calls.slice(0, MAX_TOOL_CALL_RECORDS).map((call): BoundedToolCall => {
    const tool = textPreview(call.tool, 256);
    const args = jsonPreview(call.argumentsJson, fieldPreviewBytes);
    const result = jsonPreview(call.resultJson, fieldPreviewBytes);
    const error = textPreview(call.error, fieldPreviewBytes);
    const size = CALL_OVERHEAD_BYTES + bytes(tool.value) + bytes(args.value) + bytes(result.value) + bytes(error.value);
    if (size <= left) {
      left -= size;
      const cut = tool.truncated || args.truncated || result.truncated || error.truncated;
      truncated ||= cut;
      return { tool: tool.value, argumentsJson: args.value, resultJson: result.value, durationMs: call.durationMs, error: error.value, truncated: cut };
    }
    // Budget spent: name, duration and a short error remain.
    const short = textPreview(call.error, ELIDED_ERROR_BYTES);
    left = Math.max(0, left - CALL_OVERHEAD_BYTES - bytes(tool.value) - bytes(short.value));
    truncated = true;
    return { tool: tool.value, argumentsJson: '', resultJson: '', durationMs: call.durationMs, error: short.value, truncated: true };
  });
  return { toolCalls, truncated };
}

/** The output's JSON, or PAYLOAD_TOO_LARGE at `/output` when it is larger than the output limit. */
export function boundedOutputJson(output: unknown, limits: RunEventLimits): string {
  const json = JSON.stringify(output) ?? 'null';
  const size = bytes(json);
  if (size > limits.maxOutputBytes) {
    throw new AppError(ErrorCode.PayloadTooLarge, `the run's output is ${size} bytes, more than the ${limits.maxOutputBytes} bytes a run may return`, {
      path: '/output',
      details: { bytes: size, limitBytes: limits.maxOutputBytes },
    });
  }
  return json;
}

/** The bounded parts of a RunSucceeded: input preview and tool calls within the event budget. */
export function boundSucceeded(inputJson: string, outputJson: string, calls: readonly ToolCallRecord[], limits: RunEventLimits) {
  const input = jsonPreview(inputJson, limits.fieldPreviewBytes);
  const budget = limits.maxEventBytes - EVENT_OVERHEAD_BYTES - bytes(outputJson) - bytes(input.value);
  const bounded = boundToolCalls(calls, limits.fieldPreviewBytes, Math.max(0, budget));
  return { inputJson: input.value, toolCalls: bounded.toolCalls, truncated: input.truncated || bounded.truncated };
}

/** The bounded parts of a RunFailed: message preview, and details + tool calls within the event budget. */
export function boundFailed(error: AppError, calls: readonly ToolCallRecord[], limits: RunEventLimits) {
  const message = textPreview(error.message, limits.fieldPreviewBytes);
  const details = error.details === undefined ? undefined : jsonPreview(JSON.stringify(error.details) ?? 'null', limits.fieldPreviewBytes);
  const budget = Math.max(0, limits.maxEventBytes - EVENT_OVERHEAD_BYTES - bytes(message.value) - bytes(details?.value ?? ''));
  // The calls are embedded as JSON text, which escapes their strings again (up to 2×): shrink the
  // calls' budget until the embedded text itself fits.
  for (let callBudget = budget; ; callBudget = Math.floor(callBudget / 2)) {
    const bounded = boundToolCalls(calls, limits.fieldPreviewBytes, callBudget);
    const parts: string[] = [];
    if (details) parts.push(`"details":${details.value}`);
    if (bounded.toolCalls.length > 0) parts.push(`"toolCalls":${JSON.stringify(bounded.toolCalls)}`);
    const detailsJson = parts.length === 0 ? '' : `{${parts.join(',')}}`;
    if (bytes(detailsJson) - bytes(details?.value ?? '') <= budget || callBudget === 0) {
      return { message: message.value, detailsJson, truncated: message.truncated || (details?.truncated ?? false) || bounded.truncated };
    }
  }
}
