import { Injectable } from '@nestjs/common';
import { Dispatcher } from '../dispatch/dispatch.service.js';

/**
 * The outbox relay, now a pass of the dispatcher: a run recorded in PostgreSQL waits there until
 * its tenant has a free slot; a run claimed for dispatch whose publish was never confirmed
 * (JetStream refused it, or the process died in between) is published again with the same
 * message id `run-execute:<runId>:<dispatch>`, so a run that did reach the queue is stored once.
 * The dispatcher's own periodic task runs these passes; this entry point runs one on demand.
 */
@Injectable()
export class RunOutboxRelay {
  constructor(private readonly dispatcher: Dispatcher) {}

  /** One pass; returns how many runs it published. */
  async relay(): Promise<number> {
    return (await this.dispatcher.round({ republish: true })).published.length;
  }
}
