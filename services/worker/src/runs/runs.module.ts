import { Module, type DynamicModule } from '@nestjs/common';
import { ARTIFACT_CACHE_SIZE, ArtifactRepository } from '../artifacts/artifact.repository.js';
import type { WorkerConfig } from '../config.js';
import { MODEL_PROVIDERS } from '../models/model-provider.js';
import { ModelRouter, ROUTER_SETTINGS, type RouterSettings } from '../models/model-router.js';
import { TOKEN_STREAM_LIMITS } from '../models/token-stream.js';
import { BudgetClient } from '../budget/budget.client.js';
import { AnthropicProvider } from '../models/anthropic.provider.js';
import { OpenAiCompatibleProvider } from '../models/openai.provider.js';
import { OfflineModelProvider } from '../models/offline.provider.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { SecretsRepository } from '../secrets/secrets.repository.js';
import { ToolBridges } from '../tools/bridges.js';
import { MEMORY_SETTINGS, RunMemory } from '../memory/run-memory.js';
import { FETCH_BUDGET_LIMITS } from '../tools/fetch-budget.js';
import { SafeFetch } from '../tools/safe-fetch.js';
import { Sandbox } from '../tools/sandbox.js';
import { Toolbox } from '../tools/toolbox.js';
import { WorkerMetrics } from '../worker.metrics.js';
import { StepJournalRepository } from '../journal/step-journal.repository.js';
import { EscalationRepository } from '../governance/escalation.repository.js';
import type { DependencyRetryOptions } from '../journal/dependency-retry.js';
import { AgentExecutor } from './agent-executor.js';
import { RunHandler } from './run.handler.js';
import { RUN_EVENT_LIMITS } from './run-event.limits.js';
import { DEPENDENCY_RETRY, RunService } from './run.service.js';
import { SchemaValidator } from './schema-validator.js';

@Module({})
export class RunsModule {
  static forRoot(config: Pick<WorkerConfig, 'artifacts' | 'sandbox' | 'fetch' | 'runEvents' | 'runs' | 'models' | 'stream' | 'memory'>, overrides: { fetch?: SafeFetch } = {}): DynamicModule {
    return {
      module: RunsModule,
      controllers: [RunHandler],
      // The warm-up and evals modules execute artifacts with the same cache, sandbox, validators and executor.
      exports: [ArtifactRepository, Toolbox, SchemaValidator, AgentExecutor, WorkerMetrics, FETCH_BUDGET_LIMITS],
      providers: [
        WorkerMetrics,
        { provide: ARTIFACT_CACHE_SIZE, useValue: config.artifacts.cacheSize },
        { provide: RUN_EVENT_LIMITS, useValue: config.runEvents },
        { provide: FETCH_BUDGET_LIMITS, useValue: config.fetch },
        { provide: DEPENDENCY_RETRY, useValue: { deadlineMs: config.runs.dependencyRetryMs } satisfies DependencyRetryOptions },
        ArtifactRepository,
        OfflineModelProvider,
        // The offline provider, then those configured in AF_MODEL_PROVIDERS (see README "Model providers").
        {
          provide: MODEL_PROVIDERS,
          inject: [OfflineModelProvider],
          useFactory: (offline: OfflineModelProvider) => [offline, ...config.models.providers.map((p) => (p.kind === 'anthropic' ? new AnthropicProvider(p) : new OpenAiCompatibleProvider(p)))],
        },
        { provide: ROUTER_SETTINGS, useValue: { breakerFailures: config.models.breakerFailures, breakerCooldownMs: config.models.breakerCooldownMs, retryAfterMaxMs: config.models.retryAfterMaxMs } satisfies RouterSettings },
        ModelRouter,
        {
          provide: Sandbox,
          inject: [WorkerMetrics],
          useFactory: (metrics: WorkerMetrics) =>
            new Sandbox(config.sandbox, {
              callFinished: (outcome, seconds) => metrics.sandboxCallDuration.observe({ outcome }, seconds),
              isolateKilled: (reason) => metrics.sandboxKills.inc({ reason }),
            }),
        },
        // Tests may pass their own SafeFetch (e.g. one allowed to reach a loopback test server).
        { provide: SafeFetch, useValue: overrides.fetch ?? new SafeFetch(config.fetch) },
        SecretsRepository,
        SecretRedaction,
        { provide: MEMORY_SETTINGS, useValue: config.memory },
        RunMemory,
        ToolBridges,
        Toolbox,
        SchemaValidator,
        StepJournalRepository,
        EscalationRepository,
        BudgetClient,
        { provide: TOKEN_STREAM_LIMITS, useValue: config.stream },
        AgentExecutor,
        RunService,
      ],
    };
  }
}
