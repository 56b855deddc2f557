import type { NatsConnection } from '@nats-io/nats-core';
import { AppError, ErrorCode } from '@af/errors';

/** NATS's default `max_payload`, used until the server's INFO is known. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;
/**
 * Room kept for headers (tenant, correlation, traceparent, Nats-Msg-Id, status): the server counts
 * them in `max_payload`. Ours are a few hundred bytes; 4 KiB leaves a wide margin.
 */
export const HEADER_ROOM_BYTES = 4_096;

/** The largest message body this connection may send: the server's `max_payload` minus header room. */
export function maxBodyBytes(nc: Pick<NatsConnection, 'info'>): number {
  return (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES) - HEADER_ROOM_BYTES;
}

/**
 * Throws PAYLOAD_TOO_LARGE (permanent: a JetStream handler that throws it is termed, never retried)
 * when `data` would not fit in one NATS message. `what` names the message in the error.
 */
export function assertFits(nc: Pick<NatsConnection, 'info'>, what: string, data: Uint8Array, path = ''): void {
  const limit = maxBodyBytes(nc);
  if (data.byteLength > limit) {
    throw new AppError(ErrorCode.PayloadTooLarge, `${what} is ${data.byteLength} bytes, more than the ${limit} bytes a NATS message may carry`, {
      path,
      details: { bytes: data.byteLength, limitBytes: limit },
    });
  }
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (never inside a character). */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const buf = Buffer.from(text, 'utf8');
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
