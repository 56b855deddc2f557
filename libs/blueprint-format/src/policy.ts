import type { JsonValue } from './json-value.js';
import { builtinSpec, scopeRank, SCOPES, type Scope } from './builtins.js';

/**
 * The policy decision point (PDP): what the worker asks before every tool and builtin call.
 * One pure function, so the rules are unit-tested as a matrix and read the same everywhere.
 */

export const AUTONOMY_LEVELS = ['restricted', 'supervised', 'semi_autonomous', 'autonomous'] as const;
export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];

export function isAutonomyLevel(value: unknown): value is AutonomyLevel {
  return (AUTONOMY_LEVELS as readonly unknown[]).includes(value);
}

export type PolicyDecision = 'allow' | 'require_approval' | 'deny';

/** The artifact's policy (ArtifactDocument.policy). */
export interface ActionPolicy {
  autonomyLevel: string;
  /** The widest scope a tool may act at; null → `external` (the blueprint format's documented default). */
  maxAllowedScope: string | null;
  /** Tool or builtin names whose every call needs a human's approval. */
  requireApproval: readonly string[];
}

/** The action about to happen: a tool of the artifact (ArtifactTool's name, scope, kind, builtin). */
export interface ActionTool {
  name: string;
  /** The scope the blueprint declared for the tool. */
  scope: string;
  /** The builtin it runs (kind builtin), else undefined. */
  builtin?: string | undefined;
  /** The compiled artifact's flag (requireApproval resolved at compile time). */
  requiresApproval?: boolean;
}

export interface ActionRequest {
  policy: ActionPolicy;
  tool: ActionTool;
  /**
   * The call's arguments. The default rules decide on autonomy, scope and names only; the
   * arguments are part of the request so a rule that reads them needs no change of callers.
   */
  arguments: JsonValue;
}

export interface ActionDecision {
  decision: PolicyDecision;
  /**
   * The rule that decided: `maxAllowedScope:<max>`, `autonomy:<level>:<scope>`,
   * `requireApproval:<name>`, `autonomy:unknown:<level>` (an autonomy level the worker does not
   * know is treated as restricted).
   */
  rule: string;
  /** The action's effective scope: the declared one, or a builtin's catalogue scope when wider. */
  risk: Scope;
  /** A builtin's catalogue flags (false for code tools). */
  sensitive: boolean;
  irreversible: boolean;
}

/** The rule's kind (`maxAllowedScope`, `autonomy`, `requireApproval`): the low-cardinality metric label. */
export function ruleKind(rule: string): string {
  return rule.split(':', 1)[0] ?? rule;
}

/** The effective scope of a tool: its declared scope, widened to its builtin's catalogue scope. Unknown → realWorld. */
export function effectiveScope(tool: Pick<ActionTool, 'scope' | 'builtin'>): Scope {
  const declared = scopeRank(tool.scope);
  const catalogue = scopeRank(builtinSpec(tool.builtin)?.scope);
  // An unknown declared scope is treated as the widest: never understate a risk.
  const rank = declared < 0 ? SCOPES.length - 1 : Math.max(declared, catalogue);
  return SCOPES[rank]!;
}

/**
 * Decides one action. In order:
 * 1. the effective scope above maxAllowedScope (null → external) → deny `maxAllowedScope:<max>`;
 * 2. the autonomy level's default — `restricted`: anything but internal → deny; `supervised`:
 *    external or realWorld → require_approval; `semi_autonomous`: realWorld → require_approval;
 *    `autonomous`: allow (audited by the caller for external and realWorld actions);
 * 3. a tool (or its builtin) in requireApproval → require_approval `requireApproval:<name>`;
 * 4. allow `autonomy:<level>:<scope>`.
 * A deny always wins over an approval; the autonomy rule is reported before a requireApproval
 * entry for the same action (both would ask for approval).
 */
export function decideAction(request: ActionRequest): ActionDecision {
  const { policy, tool } = request;
  const risk = effectiveScope(tool);
  const spec = builtinSpec(tool.builtin);
  const flags = { risk, sensitive: spec?.sensitive ?? false, irreversible: spec?.irreversible ?? false };
  const max = policy.maxAllowedScope ?? 'external';
  const maxRank = scopeRank(max) < 0 ? 0 : scopeRank(max);
  if (scopeRank(risk) > maxRank) return { decision: 'deny', rule: `maxAllowedScope:${SCOPES[maxRank]}`, ...flags };

  const level = isAutonomyLevel(policy.autonomyLevel) ? policy.autonomyLevel : undefined;
  const autonomyRule = level ? `autonomy:${level}:${risk}` : `autonomy:unknown:${risk}`;
  const byAutonomy = autonomyDefault(level ?? 'restricted', risk);
  if (byAutonomy !== 'allow') return { decision: byAutonomy, rule: autonomyRule, ...flags };

  const listed = [tool.name, tool.builtin].find((name) => name !== undefined && policy.requireApproval.includes(name));
  if (listed !== undefined) return { decision: 'require_approval', rule: `requireApproval:${listed}`, ...flags };
  if (tool.requiresApproval) return { decision: 'require_approval', rule: `requireApproval:${tool.name}`, ...flags };
  return { decision: 'allow', rule: autonomyRule, ...flags };
}

function autonomyDefault(level: AutonomyLevel, risk: Scope): PolicyDecision {
  switch (level) {
    case 'restricted':
      return risk === 'internal' ? 'allow' : 'deny';
    case 'supervised':
      return risk === 'internal' ? 'allow' : 'require_approval';
    case 'semi_autonomous':
      return risk === 'realWorld' ? 'require_approval' : 'allow';
    case 'autonomous':
      return 'allow';
  }
}

export type ConfidenceDecision =
  | { decision: 'accept' }
  /** restricted / supervised: a human decides (an escalation of kind low_confidence). */
  | { decision: 'require_approval'; rule: 'output.minConfidence' }
  /** semi_autonomous / autonomous: the run fails LOW_CONFIDENCE. */
  | { decision: 'fail'; rule: 'output.minConfidence' };

/**
 * A final answer's confidence against `output.minConfidence`. No minimum, or no confidence
 * reported by the model → accept (a model that states none is not second-guessed). Below the
 * minimum: restricted and supervised agents escalate, semi-autonomous and autonomous ones fail
 * (no human is in their loop by design). An unknown autonomy level escalates.
 */
export function decideConfidence(autonomyLevel: string, minConfidence: number | null | undefined, confidence: number | null | undefined): ConfidenceDecision {
  if (minConfidence === null || minConfidence === undefined || confidence === null || confidence === undefined || !Number.isFinite(confidence)) return { decision: 'accept' };
  if (confidence >= minConfidence) return { decision: 'accept' };
  return autonomyLevel === 'semi_autonomous' || autonomyLevel === 'autonomous' ? { decision: 'fail', rule: 'output.minConfidence' } : { decision: 'require_approval', rule: 'output.minConfidence' };
}
