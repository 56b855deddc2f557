import { describe, expect, it } from '@jest/globals';
import 'reflect-metadata';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import type { GetRunRequest, RunStarted, RunSucceeded, SubmitRunRequest } from '@af/contracts';
import { OnEvent, OnRequest } from './handlers.js';
import type { MessageContext } from './message-context.js';

// The type-level half of this file is checked by `nx run messaging:typecheck` (tsc): each
// `@ts-expect-error` below fails the check if TypeScript stops rejecting the mismatch under it.
class Handlers {
  @OnRequest('af.v1.runs.get')
  get(request: GetRunRequest, _ctx: MessageContext) {
    return { run: { runId: request.runId } };
  }

  @OnRequest('af.v1.health.status')
  status() {
    return { services: [] };
  }

  @OnEvent('af.v1.runs.event.started')
  async started(event: RunStarted, ctx: MessageContext): Promise<string> {
    return `${event.runId}@${ctx.subject}`;
  }

  // @ts-expect-error the payload of af.v1.runs.get is a GetRunRequest, not a SubmitRunRequest
  @OnRequest('af.v1.runs.get')
  wrongRequest(request: SubmitRunRequest) {
    return { run: { runId: request.agent } };
  }

  // @ts-expect-error af.v1.runs.get answers a RunReply: a SubmitRunReply-shaped result does not encode as one
  @OnRequest('af.v1.runs.get')
  wrongReply(_request: GetRunRequest) {
    return { runId: 1 };
  }

  // @ts-expect-error af.v1.runs.event.started carries a RunStarted, not a RunSucceeded
  @OnEvent('af.v1.runs.event.started')
  wrongEvent(event: RunSucceeded) {
    return event.runId;
  }

  // @ts-expect-error a request subject is not an event subject
  @OnEvent('af.v1.runs.get')
  notAnEvent(_event: GetRunRequest) {
    return undefined;
  }

  // @ts-expect-error an unknown subject is refused
  @OnRequest('af.v1.runs.nope')
  unknownSubject() {
    return {};
  }
}

describe('OnRequest / OnEvent', () => {
  it('register the same Nest metadata as @MessagePattern / @EventPattern, which the JetStreamServer reads', () => {
    const proto = Handlers.prototype;
    expect(Reflect.getMetadata(PATTERN_METADATA, proto.get)).toEqual(['af.v1.runs.get']);
    expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, proto.get)).toBe(1); // PatternHandler.MESSAGE
    expect(Reflect.getMetadata(PATTERN_METADATA, proto.started)).toEqual(['af.v1.runs.event.started']);
    expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, proto.started)).toBe(2); // PatternHandler.EVENT
  });

  it('leave the handler itself untouched', async () => {
    const sut = new Handlers();
    const ctx = { subject: 'af.v1.runs.event.started' } as MessageContext;
    expect(sut.get({ runId: 'r1' } as GetRunRequest, ctx)).toEqual({ run: { runId: 'r1' } });
    await expect(sut.started({ runId: 'r2' } as RunStarted, ctx)).resolves.toBe('r2@af.v1.runs.event.started');
  });
});
