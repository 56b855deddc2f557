import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode } from '@af/errors';
import type { MetricsRegistry } from '@af/observability';
import { errorBody } from './http-error.filter.js';

export interface BackPressureOptions {
  /** HTTP requests handled at once; over it a request is answered 503 at once. */
  httpMaxInFlight: number;
  /** NATS request/reply handlers running at once; over it a request gets an UNAVAILABLE reply. */
  natsMaxInFlight: number;
  /** Seconds a refused client should wait (`Retry-After`). */
  retryAfterSec: number;
}

/** Probes and scrapes are never shed: an orchestrator must see a busy service as alive. */
const EXEMPT = /^\/(health|metrics)(\/|\?|$)/;

interface HookRequest {
  url: string;
}
const COUNTED = Symbol('af.backPressure.counted');
interface CountedResponse {
  [COUNTED]?: boolean;
}
interface HookReply {
  raw: CountedResponse & { on(event: 'close', listener: (this: CountedResponse) => void): void };
  code(status: number): HookReply;
  header(name: string, value: string): HookReply;
  send(body: unknown): void;
}

/**
 * Bounds the HTTP requests in flight: one over the bound is answered `503 UNAVAILABLE` with
 * `Retry-After` before its body is read, instead of queueing without limit. A request leaves the
 * count when its response is finished or its connection closes, whichever comes first.
 */
export function installHttpBackPressure(app: NestFastifyApplication, options: BackPressureOptions, metrics: MetricsRegistry): void {
  let current = 0;
  // Read at scrape time: no gauge update on every request.
  metrics.gauge('af_http_requests_in_flight', 'HTTP requests being handled (probes and scrapes excluded)', [], function () {
    this.set(current);
  });
  const shed = metrics.counter('af_http_requests_shed_total', 'HTTP requests refused with 503 because the in-flight bound was reached');
  // One listener for every response ('close' fires once, after 'finish' or on an abort): no closure
  // per request, and `on` rather than `once` (which wraps the listener in a new object and bound
  // function each time); the mark on the response (not a WeakSet, which the garbage collector pays
  // for) makes sure a response leaves the count once.
  function release(this: CountedResponse): void {
    if (this[COUNTED] !== true) return;
    this[COUNTED] = false;
    current--;
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req: HookRequest, reply: HookReply, done: () => void) => {
      if (EXEMPT.test(req.url)) return done();
      if (current >= options.httpMaxInFlight) {
        shed.inc();
        reply
          .code(503)
          .header('retry-after', String(options.retryAfterSec))
          .header('content-type', 'application/json; charset=utf-8')
          .send(errorBody(new AppError(ErrorCode.Unavailable, `the service is busy (${options.httpMaxInFlight} requests in flight); retry after ${options.retryAfterSec}s`)));
        return;
      }
      current++;
      reply.raw[COUNTED] = true;
      reply.raw.on('close', release);
      done();
    });
}
