import type { JsonValue } from '../artifacts/artifact.js';
import { ModelCallError } from './model-provider.js';

/** How long a 429 asks to wait (retry-after-ms, retry-after in seconds or as an HTTP date), if it says. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Maps an SDK error (openai and @anthropic-ai/sdk share the shape: APIError with status and
 * headers, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError) to a ModelCallError.
 * `timedOut`: our own time limit aborted the call.
 */
export function classify(error: unknown, provider: string, timeoutMs: number, timedOut: boolean): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const name = error instanceof Error ? error.constructor.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut || name === 'APIConnectionTimeoutError') return new ModelCallError('timeout', `${provider}: no complete answer within ${timeoutMs} ms`);
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') {
    const headers = (error as { headers?: Headers }).headers;
    if (status === 429) return new ModelCallError('rate_limited', `${provider}: 429 rate limited (${message})`, retryAfterMs(headers));
    if (status === 408) return new ModelCallError('timeout', `${provider}: 408 (${message})`);
    if (status >= 500) return new ModelCallError('unavailable', `${provider}: ${status} (${message})`);
    return new ModelCallError('refused', `${provider}: ${status} (${message})`);
  }
  if (name === 'APIConnectionError' || /ECONNREFUSED|ECONNRESET|socket|fetch failed|terminated/i.test(message)) return new ModelCallError('unavailable', `${provider}: connection failed (${message})`);
  // A stream that broke off or could not be read (e.g. a malformed SSE chunk): another entry may do better.
  return new ModelCallError('unavailable', `${provider}: ${message}`);
}

/** The final answer's JSON (a ```json fence around it is accepted); anything else is output_invalid. */
export function parseFinalOutput(text: string, provider: string): JsonValue {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed);
  try {
    return JSON.parse(fenced ? (fenced[1] ?? '') : trimmed) as JsonValue;
  } catch {
    throw new ModelCallError('output_invalid', `${provider}: the answer is not JSON (${trimmed.length > 120 ? `${trimmed.slice(0, 120)}…` : trimmed || 'empty'})`);
  }
}

/** Tool-call arguments streamed as JSON text; unparseable ones are output_invalid. */
export function parseArguments(text: string, tool: string, provider: string): JsonValue {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new ModelCallError('output_invalid', `${provider}: the arguments of the call to "${tool}" are not JSON`);
  }
}

/** Runs `call` under a time limit covering the whole answer (streamed body included). */
export async function withTimeout<T>(timeoutMs: number, provider: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    return await call(controller.signal);
  } catch (error) {
    throw classify(error, provider, timeoutMs, timedOut);
  } finally {
    clearTimeout(timer);
  }
}
