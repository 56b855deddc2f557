import type { NatsConnection } from '@nats-io/nats-core';
import { headers } from '@nats-io/nats-core';
import { ErrorReplySchema, Headers, RunReplySchema, queueGroupOf } from '@af/contracts';
import { ErrorCode } from '@af/errors';
import { encode, processNamespace } from '@af/messaging';

/**
 * A stand-in for the orchestrator's `af.v1.runs.get` in the test's NATS namespace (memory may not
 * import the orchestrator): `known(request)` says whether the run exists; an unknown run answers
 * NOT_FOUND exactly as the orchestrator does.
 */
export function serveOrchestratorRuns(nc: NatsConnection, known: (request: Uint8Array) => boolean): void {
  nc.subscribe(processNamespace().subject('af.v1.runs.get'), {
    queue: queueGroupOf('orchestrator'),
    callback: (err, msg) => {
      if (err) return;
      const h = headers();
      if (known(msg.data)) {
        h.set(Headers.status, 'ok');
        msg.respond(encode(RunReplySchema, { run: { status: 'succeeded' } }), { headers: h });
      } else {
        h.set(Headers.status, 'error');
        msg.respond(encode(ErrorReplySchema, { code: ErrorCode.NotFound, message: 'run was not found', path: '/runId', detailsJson: '' }), { headers: h });
      }
    },
  });
}
