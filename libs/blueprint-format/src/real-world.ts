/** The parts of a compiled artifact (`af.artifact/v1`) that say how far its agent may act. */
export interface ScopedAgent {
  tools: readonly { scope: string }[];
  policy: { maxAllowedScope: string | null };
}

/**
 * A realWorld agent: any tool acts at scope realWorld, or the policy allows realWorld
 * (`spec.actions.maxAllowedScope`). EMMA's rule: such an agent goes live only with an
 * Administrator's approval (ApproveRealWorld) — the deployment service asks through an escalation.
 */
export function isRealWorldAgent(artifact: ScopedAgent): boolean {
  return artifact.policy.maxAllowedScope === 'realWorld' || artifact.tools.some((tool) => tool.scope === 'realWorld');
}
