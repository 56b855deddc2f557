import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { CreateDeploymentRequest, DraftEvalsRequest, GetAgentRequest, GetDeploymentRequest, ListDeploymentsRequest, PromoteDeploymentRequest, RollbackDeploymentRequest, RunEvalsRequest } from '@af/contracts';
import { MessageContext, OnRequest } from '@af/messaging';
import { DeploymentControlService } from './deployment-control.service.js';
import { DeploymentService } from './deployment.service.js';
import { DraftEvalsService } from './draft-evals.service.js';

/** NATS edge of the deployment service: each handler is one call into DeploymentService, DeploymentControlService or DraftEvalsService. */
@Controller()
export class DeploymentHandler {
  constructor(
    private readonly deployments: DeploymentService,
    private readonly control: DeploymentControlService,
    private readonly drafts: DraftEvalsService,
  ) {}

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

  @OnRequest('af.v1.deployments.promote')
  promote(@Payload() request: PromoteDeploymentRequest, @Ctx() ctx: MessageContext) {
    return this.control.promote(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.rollback')
  rollback(@Payload() request: RollbackDeploymentRequest, @Ctx() ctx: MessageContext) {
    return this.control.rollback(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.agent.get')
  agent(@Payload() request: GetAgentRequest, @Ctx() ctx: MessageContext) {
    return this.control.agentView(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.evals.run')
  evals(@Payload() request: RunEvalsRequest, @Ctx() ctx: MessageContext) {
    return this.deployments.runEvals(ctx.tenantId, request);
  }

  @OnRequest('af.v1.deployments.evals.draft')
  draft(@Payload() request: DraftEvalsRequest, @Ctx() ctx: MessageContext) {
    return this.drafts.test(ctx.tenantId, request);
  }
}
