/**
 * The compiled artifact (wire format `af.artifact/v1`), written by the compilation service and
 * read by workers: what a worker needs to run one blueprint version, and nothing it would have to
 * re-derive. It travels as canonical JSON in `af.v1.ArtifactReply.artifact_json`; its id is the
 * SHA-256 of that JSON. A breaking change of this shape is a new format version, never an edit.
 */
export const ARTIFACT_FORMAT = 'af.artifact/v1';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonSchema = Record<string, unknown>;

/** A prompt template pre-parsed into literal text and `{{ a.b }}` variable references. */
export type PromptSegment = { text: string } | { ref: string[] };

export interface ArtifactTool {
  name: string;
  description: string;
  scope: string;
  inputSchema: JsonValue;
  /** Whether the resolved policy asks a human before this tool runs (enforced by governance later). */
  requiresApproval: boolean;
  /** `code`: JavaScript for the sandbox; `builtin`: a platform-side handler. */
  kind: 'code' | 'builtin';
  builtin?: string;
  /** ES2022 script (IIFE) that assigns the module namespace to `globalName`; its `default` is the tool. */
  code?: string;
  globalName?: string;
}

/** `spec.governance.approval`: quorum and approver levels, passed as OpenEscalationRequest.policy. */
export interface ArtifactApprovalPolicy {
  /** Distinct approvers needed (1..5). */
  quorum?: number;
  /** Level 1 first; roles from ROLES (permissions.ts), deadlineSeconds 60..2592000. */
  levels?: { roles: string[]; deadlineSeconds: number }[];
}

/** `spec.network.credentials[i]`: for calls to `hosts` (allowHosts syntax), add each header with `prefix` + the secret's value. */
export interface ArtifactCredential {
  hosts: string[];
  headers: Record<string, { secret: string; prefix?: string }>;
}

export interface ArtifactDocument {
  format: typeof ARTIFACT_FORMAT;
  compiler: { name: string; version: string; esbuild: string; typescript: string };
  blueprint: { name: string; version: number; contentHash: string; description: string; labels: Record<string, string> };
  goal: string;
  prompt: { system: PromptSegment[]; user: PromptSegment[]; variables: Record<string, JsonValue> };
  input: { schema: JsonValue | null };
  output: { schema: JsonValue | null; minConfidence: number | null };
  tools: ArtifactTool[];
  policy: {
    autonomyLevel: string;
    maxAllowedScope: string | null;
    requireApproval: string[];
    /**
     * Who approves this agent's escalations (`spec.governance.approval`). Absent when the
     * blueprint has none (the governance service's defaults apply), so older artifacts keep
     * their hash.
     */
    approval?: ArtifactApprovalPolicy;
  };
  model: { route: string[]; maxCostUsdPerRun: number | null };
  /**
   * Hosts the tool code's `fetch` bridge may reach (exact names, or `*.example.com` for subdomains).
   * `credentials` (absent when the blueprint has none, so older artifacts keep their hash): headers
   * the platform adds to calls to matching hosts, their values resolved from the secrets service at
   * call time — never in the artifact, never visible to tool code.
   */
  network: { allowHosts: string[]; credentials?: ArtifactCredential[] };
  triggers: JsonValue[];
  evals: JsonValue[];
  /**
   * `spec.context`: what the agent remembers and who else's memories it sees (issue 12). Absent
   * when the blueprint has none, so older artifacts keep their hash.
   */
  context?: ArtifactContext;
}

/** `spec.context` as compiled: the memory tiers a run loads and writes, and its access level. */
export interface ArtifactContext {
  /** self | team | organization | crossOrganization (absent: self). */
  accessLevel?: string;
  memory?: {
    /** Load and update the working memory (Redis) of the run's user/thread/run scope. */
    working?: boolean;
    /** Load the relevant episodes of this long ago (a duration such as 30d). */
    episodic?: { lookback?: string };
    /** Load the top-K semantic hits. */
    semantic?: { topK?: number };
    /** Read-only mode: the run writes nothing to any memory tier. */
    readOnly?: boolean;
  };
}
