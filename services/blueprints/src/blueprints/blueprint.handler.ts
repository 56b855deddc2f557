import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type {
  ArchiveBlueprintRequest,
  CreateBlueprintRequest,
  DiffBlueprintRequest,
  GetBlueprintRequest,
  ListBlueprintsRequest,
  ListBlueprintVersionsRequest,
  UpdateBlueprintRequest,
  ValidateBlueprintSourceRequest,
  ValidateStoredBlueprintRequest,
} from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { BlueprintService } from './blueprint.service.js';

/** NATS edge of the blueprints service: each handler is one call into BlueprintService. */
@Controller()
export class BlueprintHandler {
  constructor(private readonly blueprints: BlueprintService) {}

  @OnRequest('af.v1.blueprints.create')
  create(@Payload() request: CreateBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.create(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.update')
  update(@Payload() request: UpdateBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.update(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.get')
  get(@Payload() request: GetBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.list')
  list(@Payload() request: ListBlueprintsRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.list(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.versions.list')
  versions(@Payload() request: ListBlueprintVersionsRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.listVersions(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.diff')
  diff(@Payload() request: DiffBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.diff(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.archive')
  archive(@Payload() request: ArchiveBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.archive(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.validate')
  validate(@Payload() request: ValidateStoredBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.validateStored(ctx.tenantId, request);
  }

  @OnRequest('af.v1.blueprints.source.validate')
  validateSource(@Payload() request: ValidateBlueprintSourceRequest, @Ctx() ctx: MessageContext) {
    return this.blueprints.validateSource(ctx.tenantId, request);
  }
}
