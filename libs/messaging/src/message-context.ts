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
