import type { MsgHdrs } from '@nats-io/nats-core';
import { BaseRpcContext } from '@nestjs/microservices';
import { Headers, isTenantId, type TenantId } from '@af/contracts';
import { AppError, ErrorCode } from '@af/errors';

export interface MessageContextData {
  subject: string;
  headers: MsgHdrs | undefined;
  correlationId: string;
  /** 1 for a request or a first delivery. */
  deliveryCount: number;
  /** JetStream stream sequence, 0 for core NATS. */
  streamSequence: number;
  /** The durable consumer that delivered the message (JetStream only). */
  consumer?: string;
  /** Aborted when the service shuts down and hands the message back (JetStream only). */
  signal?: AbortSignal;
}

/** What a handler learns about the message besides its payload: `@Ctx() ctx: MessageContext`. */
export class MessageContext extends BaseRpcContext<[MessageContextData]> {
  get data(): MessageContextData {
    return this.args[0];
  }

  get subject(): string {
    return this.data.subject;
  }

  get correlationId(): string {
    return this.data.correlationId;
  }

  get deliveryCount(): number {
    return this.data.deliveryCount;
  }

  /**
   * Aborted when the service is shutting down and has handed this message back (nak, another
   * instance takes it): a long handler stops at its next safe point; its result is ignored.
   */
  get signal(): AbortSignal | undefined {
    return this.data.signal;
  }

  /** The durable consumer that delivered the message, when one did: a service with one consumer per tier dispatches on it. */
  get consumer(): string | undefined {
    return this.data.consumer;
  }

  get msgId(): string | undefined {
    return this.data.headers?.get(Headers.msgId) || undefined;
  }

  /** The tenant the message belongs to; a tenant-scoped handler without one is refused. */
  get tenantId(): TenantId {
    const value = this.data.headers?.get(Headers.tenantId) ?? '';
    if (!isTenantId(value)) {
      throw new AppError(ErrorCode.Unauthenticated, `message on ${this.subject} carries no valid ${Headers.tenantId} header`);
    }
    return value;
  }
}
