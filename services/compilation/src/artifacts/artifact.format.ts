import type { JsonValue } from './canonical-json.js';

/**
 * The compiled artifact (wire format `af.artifact/v1`): what a worker needs to run one blueprint
 * version, and nothing it would have to re-derive. Immutable and content-addressed: its id is
 * the SHA-256 of its canonical JSON. A breaking change of this shape is a new format version.
 */
export const ARTIFACT_FORMAT = 'af.artifact/v1';

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

export interface Artifact {
  format: typeof ARTIFACT_FORMAT;
  compiler: { name: string; version: string; esbuild: string };
  blueprint: { name: string; version: number; contentHash: string; description: string; labels: Record<string, string> };
  goal: string;
  prompt: { system: PromptSegment[]; user: PromptSegment[]; variables: Record<string, JsonValue> };
  input: { schema: JsonValue | null };
  output: { schema: JsonValue | null; minConfidence: number | null };
  tools: ArtifactTool[];
  policy: { autonomyLevel: string; maxAllowedScope: string | null; requireApproval: string[] };
  model: { route: string[]; maxCostUsdPerRun: number | null };
  triggers: JsonValue[];
  evals: JsonValue[];
}
