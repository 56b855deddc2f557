import { create } from '@bufbuild/protobuf';
import { BeginStepReplySchema, CompleteStepReplySchema, type BeginStepReply, type CompleteStepReply, type TenantId } from '@af/contracts';
import type { MessageBus } from '@af/messaging';
import type { Artifact } from '../artifacts/artifact.js';
import { StepJournalRepository, type StepBegin, type StepCompletion } from '../journal/step-journal.repository.js';

/** What a tool call with an effect outside answers during evals (the model sees it as the tool's result). */
export const NOT_EXECUTED = { error: 'not executed during evals', code: 'NOT_EXECUTED' } as const;

/** The decision an approval step replays during evals: an eval never waits for a human. */
const EVAL_APPROVAL = { decision: 'approved', escalationId: 'evals', approvers: [], decidedBy: 'evals', reason: 'evals do not wait for a human' };

/**
 * A throwaway step journal for one eval case: the run's steps live in memory only (no run, no
 * orchestrator steps). Model steps and internal tool steps are executed and kept; a tool step of
 * an external or realWorld tool is answered from here without executing it ({@link NOT_EXECUTED}:
 * no email sent, no payment made, no audit record of an allowed outward action); an approval step
 * is answered approved.
 */
export class EvalJournal extends StepJournalRepository {
  private readonly steps = new Map<number, { resultJson: string; error: string }>();
  /** Tool calls answered with NOT_EXECUTED. */
  notExecuted = 0;

  constructor(
    bus: MessageBus,
    private readonly artifact: Artifact,
  ) {
    super(bus);
  }

  override async begin(_tenantId: TenantId, step: StepBegin): Promise<BeginStepReply> {
    const stored = this.steps.get(step.seq);
    if (stored) return create(BeginStepReplySchema, { decision: 'replay', step: { stepId: `${step.runId}/${step.seq}`, seq: step.seq, kind: step.kind, name: step.name, state: 'completed', ...stored } });
    if (step.kind === 'approval') return this.replay(step, JSON.stringify(EVAL_APPROVAL));
    if (step.kind === 'tool') {
      const scope = this.artifact.tools.find((t) => t.name === step.name)?.scope ?? 'internal';
      if (scope !== 'internal') {
        this.notExecuted++;
        return this.replay(step, JSON.stringify(NOT_EXECUTED));
      }
    }
    return create(BeginStepReplySchema, { decision: 'proceed' });
  }

  override async complete(_tenantId: TenantId, step: StepCompletion): Promise<CompleteStepReply> {
    this.steps.set(step.seq, { resultJson: step.resultJson, error: step.error });
    return create(CompleteStepReplySchema, { cancelled: false, step: { stepId: `${step.runId}/${step.seq}`, seq: step.seq, state: 'completed', resultJson: step.resultJson, error: step.error } });
  }

  private replay(step: StepBegin, resultJson: string): BeginStepReply {
    this.steps.set(step.seq, { resultJson, error: '' });
    return create(BeginStepReplySchema, { decision: 'replay', step: { stepId: `${step.runId}/${step.seq}`, seq: step.seq, kind: step.kind, name: step.name, state: 'completed', resultJson, error: '' } });
  }
}
