import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { apiErrorFrom, unreachable } from './errors.js';
import { authHeaders, type AfClientOptions } from './client.js';

/** One frame of `GET /v1/runs/{runId}/events` (Server-Sent Events). */
export type RunStreamEvent =
  /** A stored transition of the run (`id` = its seq; `data` the transition as `GET /v1/runs/{id}/events` lists it). */
  | { event: 'transition'; id: string | undefined; data: Record<string, unknown> }
  /** A model text delta while the stream is open (not stored; may be dropped when the client lags). */
  | { event: 'token'; id: undefined; data: Record<string, unknown> }
  /** How many tokens were dropped for a lagging client. */
  | { event: 'token_dropped'; id: undefined; data: Record<string, unknown> }
  /** The stream's last frame: `{runId, status, final}`; `final: false` when the server's stream time ran out. */
  | { event: 'end'; id: undefined; data: { runId?: string; status?: string; final?: boolean } }
  | { event: string; id: string | undefined; data: Record<string, unknown> };

export interface FollowRunOptions {
  signal?: AbortSignal;
  /** Resume after this transition seq (the stream's `Last-Event-ID`). */
  lastEventId?: string;
  /** Connections opened in all (a server ends a stream after its maximum duration; the client reconnects with Last-Event-ID). Default 20. */
  maxReconnects?: number;
}

/** Bytes one SSE frame may hold before the stream is treated as broken (a run transition is small). */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * The run's events as they happen: transitions (and model tokens) until the run is final. Reads the
 * SSE stream with fetch (so the credential travels in a header — EventSource cannot send one), and
 * reconnects with Last-Event-ID when a stream ends before the run does. Browser- and Node-safe.
 */
export async function* followRun(options: AfClientOptions, runId: string, follow: FollowRunOptions = {}): AsyncGenerator<RunStreamEvent> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let lastEventId = follow.lastEventId;
  const maxReconnects = follow.maxReconnects ?? 20;
  for (let attempt = 0; attempt < maxReconnects; attempt++) {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders(options) };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}/v1/runs/${encodeURIComponent(runId)}/events`, { headers, ...(follow.signal ? { signal: follow.signal } : {}) });
    } catch (cause) {
      if (follow.signal?.aborted) return;
      throw unreachable(options.baseUrl || 'this origin', cause);
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw apiErrorFrom(response.status, body, response.headers);
    }
    if (!response.body) throw apiErrorFrom(502, undefined);
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (message) => queue.push(message), maxBufferSize: MAX_FRAME_BYTES });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let final = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        while (queue.length) {
          const message = queue.shift()!;
          const event = toEvent(message);
          if (event.id !== undefined && event.event === 'transition') lastEventId = event.id;
          yield event;
          if (event.event === 'end') {
            final = (event.data as { final?: boolean }).final !== false;
            if (final) return;
          }
        }
      }
    } catch (error) {
      if (follow.signal?.aborted) return;
      throw error;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (final) return;
  }
}

function toEvent(message: EventSourceMessage): RunStreamEvent {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(message.data);
    data = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    data = { raw: message.data };
  }
  return { event: message.event ?? 'message', id: message.id, data } as RunStreamEvent;
}
