import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CreateDeploymentRequest, GetDeploymentRequest, ListDeploymentsRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { DeploymentService } from './deployment.service.js';

/** NATS edge of the deployment service: each handler is one call into DeploymentService. */
@Controller()
export class DeploymentHandler {
  constructor(private readonly deployments: DeploymentService) {}

  @OnRequest('af.v1.deployments.create')
  create(@Payload() request: CreateDeploymentRequest, @Ctx() ctx: MessageContext) {
    return this.deployments.create(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.get')
  get(@Payload() request: GetDeploymentRequest, @Ctx() ctx: MessageContext) {
    return this.deployments.get(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.list')
  list(@Payload() request: ListDeploymentsRequest, @Ctx() ctx: MessageContext) {
    return this.deployments.list(ctx.tenantId, request);
  }
}
