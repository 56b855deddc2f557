import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { GetSecretRequest, ListSecretsRequest, PutSecretRequest, ResolveSecretsRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { SecretService } from './secret.service.js';

/** NATS edge of the secrets service: each handler is one call into SecretService. Who may call which subject is NATS's permissions (resolve: the worker only). */
@Controller()
export class SecretHandler {
  constructor(private readonly secrets: SecretService) {}

  @OnRequest('af.v1.secrets.put')
  put(@Payload() request: PutSecretRequest, @Ctx() ctx: MessageContext) {
    return this.secrets.put(ctx.tenantId, request);
  }

  @OnRequest('af.v1.secrets.get')
  get(@Payload() request: GetSecretRequest, @Ctx() ctx: MessageContext) {
    return this.secrets.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.secrets.list')
  list(@Payload() _request: ListSecretsRequest, @Ctx() ctx: MessageContext) {
    return this.secrets.list(ctx.tenantId);
  }

  @OnRequest('af.v1.secrets.delete')
  delete(@Payload() request: GetSecretRequest, @Ctx() ctx: MessageContext) {
    return this.secrets.delete(ctx.tenantId, request);
  }

  @OnRequest('af.v1.secrets.resolve')
  resolve(@Payload() request: ResolveSecretsRequest, @Ctx() ctx: MessageContext) {
    return this.secrets.resolve(ctx.tenantId, request);
  }
}
