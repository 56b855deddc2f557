import type { ServiceDataSourceOptions } from '@af/persistence';
import { CreateRuns1732250000000 } from './migrations/1732250000000-create-runs.js';
import { AddRunQueuedAt1732260000000 } from './migrations/1732260000000-add-run-queued-at.js';
import { AddRunActivity1732270000000 } from './migrations/1732270000000-add-run-activity.js';
import { DispatchAndDeadLetters1795540000000 } from './migrations/1795540000000-dispatch-and-dead-letters.js';
import { RunStateMachine1795520000000 } from './migrations/1795520000000-run-state-machine.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';
import { CreateRunSteps1795530000000 } from './migrations/1795530000000-create-run-steps.js';
import { RunApprovals1795550000000 } from './migrations/1795550000000-run-approvals.js';
import { RunEntity } from './run.entity.js';
import { RunTransitionEntity } from './run-transition.entity.js';
import { TenantIsolation1796000000000 } from './migrations/1796000000000-tenant-isolation.js';
import { RunRouting1797000000000 } from './migrations/1797000000000-run-routing.js';
import { MemorySteps1798000000000 } from './migrations/1798000000000-memory-steps.js';

export const ORCHESTRATOR_SCHEMA = 'orchestrator';

export function orchestratorDataSource(url: string, schema = ORCHESTRATOR_SCHEMA, poolSize?: number): ServiceDataSourceOptions {
  return { url, schema, entities: [RunEntity, RunTransitionEntity, IdempotencyKeyEntity], migrations: [CreateRuns1732250000000, AddRunQueuedAt1732260000000, AddRunActivity1732270000000, RunStateMachine1795520000000, CreateRunSteps1795530000000, DispatchAndDeadLetters1795540000000, RunApprovals1795550000000, TenantIsolation1796000000000, RunRouting1797000000000, MemorySteps1798000000000], ...(poolSize ? { poolSize } : {}) };
}
