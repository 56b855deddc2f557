import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import type { EventSchema, EventSubject, RequestSchema, RequestSubject, ResponseSchema } from '@af/contracts';
import type { MessageContext } from './message-context.js';

/** The decoded request a handler of `S` receives. */
export type RequestOf<S extends RequestSubject> = MessageShape<RequestSchema<S>>;
/** What a handler of `S` may answer (encoded with the subject's response schema). */
export type ReplyOf<S extends RequestSubject> = MessageInitShape<ResponseSchema<S>>;
/** The decoded event a handler of `S` receives. */
export type EventOf<S extends EventSubject> = MessageShape<EventSchema<S>>;

type Awaitable<T> = T | PromiseLike<T>;

/** A method that can answer request subject `S`: its payload and reply types come from @af/contracts. */
export type RequestHandler<S extends RequestSubject> = (payload: RequestOf<S>, ctx: MessageContext) => Awaitable<ReplyOf<S>>;
/** A method that can consume event subject `S`: its payload type comes from @af/contracts. */
export type EventHandler<S extends EventSubject> = (payload: EventOf<S>, ctx: MessageContext) => unknown;

/**
 * `@OnRequest('af.v1.runs.get')`: answers a request/reply subject in the service's queue group.
 * A thin wrapper over Nest's `@MessagePattern` (the JetStreamServer reads the same metadata) whose
 * type rejects a handler whose payload parameter is not the subject's request type or whose
 * result is not its response type.
 */
export function OnRequest<S extends RequestSubject>(subject: S) {
  return <H extends RequestHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    MessagePattern<string>(subject)(target, key, descriptor);
  };
}

/**
 * `@OnEvent('af.v1.runs.event.started')`: consumes an event subject (through the durable consumer
 * the service owns, or a core NATS subscription for lossy signals). A thin wrapper over Nest's
 * `@EventPattern` whose type rejects a handler whose payload parameter is not the subject's event type.
 */
export function OnEvent<S extends EventSubject>(subject: S) {
  return <H extends EventHandler<S>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    EventPattern<string>(subject)(target, key, descriptor);
  };
}
