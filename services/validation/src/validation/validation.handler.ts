import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { GetSchemaRequest, ValidateBlueprintRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { ValidationService } from './validation.service.js';

/** NATS edge of the validation service. */
@Controller()
export class ValidationHandler {
  constructor(private readonly validation: ValidationService) {}

  @OnRequest('af.v1.validation.validate')
  validate(@Payload() request: ValidateBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.validation.validate(ctx.tenantId, request);
  }

  @OnRequest('af.v1.validation.schema.get')
  schema(@Payload() request: GetSchemaRequest) {
    return this.validation.schema(request);
  }
}
