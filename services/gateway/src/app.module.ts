import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@af/messaging';
import { ObservabilityModule, type Logger } from '@af/observability';
import { AGENT_LIST_SETTINGS, AgentsApi } from './agents/agents.api.js';
import { AgentsController } from './agents/agents.controller.js';
import { ArtifactsApi } from './artifacts/artifacts.api.js';
import { ArtifactsController } from './artifacts/artifacts.controller.js';
import { AuthModule } from './auth/auth.module.js';
import { AuditLogModule } from './audit/audit.module.js';
import { BudgetsApi, BudgetsController, UsageController } from './budgets/budgets.controller.js';
import { BlueprintsApi } from './blueprints/blueprints.api.js';
import { BlueprintsController } from './blueprints/blueprints.controller.js';
import type { GatewayConfig } from './config.js';
import { MemoryApi, MemoryController } from './memory/memory.controller.js';
import { MeshApi, MeshController } from './mesh/mesh.controller.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { ConsoleModule } from './console/console.module.js';
import { DeadLettersApi, DeadLettersController } from './dead-letters/dead-letters.controller.js';
import { EscalationsApi, EscalationsController } from './escalations/escalations.controller.js';
import { RunsApi, RunsController } from './runs/runs.controller.js';
import { DEFAULT_RUN_EVENT_STREAM_OPTIONS, RUN_EVENT_STREAM_OPTIONS, RunEventStream } from './runs/run-event.stream.js';
import { SecretsApi, SecretsController } from './secrets/secrets.controller.js';
import { ValidationApi } from './validation/validation.api.js';
import { HealthOverviewApi, HealthOverviewController } from './health/health-overview.controller.js';
import { HooksApi, HooksController } from './hooks/hooks.controller.js';
import { WebhooksApi, WebhooksController } from './webhooks/webhooks.controller.js';
import { SchemasController, ValidationController } from './validation/validation.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, runtime: { logger: Logger; instanceId: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: 'gateway', logger: runtime.logger }),
        NatsModule.forRoot({ service: 'gateway', url: config.nats.url, requestTimeoutMs: config.nats.requestTimeoutMs, instanceId: runtime.instanceId }),
        RateLimitModule.forRoot(config.rateLimit),
        OpenApiModule,
        AuthModule.forRoot(config),
        AuditLogModule,
        ConsoleModule.forRoot(config.console),
      ],
      controllers: [BlueprintsController, AgentsController, RunsController, MeshController, ValidationController, SchemasController, ArtifactsController, DeadLettersController, EscalationsController, UsageController, BudgetsController, SecretsController, HealthOverviewController, WebhooksController, HooksController, MemoryController],
      providers: [BlueprintsApi, AgentsApi, { provide: AGENT_LIST_SETTINGS, useValue: config.agentList }, RunsApi, RunEventStream, { provide: RUN_EVENT_STREAM_OPTIONS, useValue: DEFAULT_RUN_EVENT_STREAM_OPTIONS }, MeshApi, ValidationApi, ArtifactsApi, DeadLettersApi, EscalationsApi, BudgetsApi, SecretsApi, HealthOverviewApi, WebhooksApi, HooksApi, MemoryApi],
    };
  }
}
