import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CompileBlueprintRequest, CompileRequest, GetArtifactRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { ArtifactService } from './artifact.service.js';

/** NATS edge of the compilation service: each handler is one call into ArtifactService. */
@Controller()
export class ArtifactHandler {
  constructor(private readonly artifacts: ArtifactService) {}

  @OnRequest('af.v1.compilation.compile')
  compile(@Payload() request: CompileRequest, @Ctx() ctx: MessageContext) {
    return this.artifacts.compile(ctx.tenantId, request);
  }

  @OnRequest('af.v1.compilation.blueprint.compile')
  compileStored(@Payload() request: CompileBlueprintRequest, @Ctx() ctx: MessageContext) {
    return this.artifacts.compileStored(ctx.tenantId, request);
  }

  @OnRequest('af.v1.compilation.artifact.get')
  get(@Payload() request: GetArtifactRequest, @Ctx() ctx: MessageContext) {
    return this.artifacts.get(ctx.tenantId, request.artifactHash);
  }

  @OnRequest('af.v1.compilation.artifact.describe')
  describe(@Payload() request: GetArtifactRequest, @Ctx() ctx: MessageContext) {
    return this.artifacts.describe(ctx.tenantId, request.artifactHash);
  }
}
