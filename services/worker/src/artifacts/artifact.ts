import { AppError, ErrorCode } from '@af/errors';

/**
 * The worker's view of a compiled artifact (format `af.artifact/v1`, produced by the compilation
 * service; see services/compilation/src/artifacts/artifact.format.ts). Services share no code, so
 * this is the reader's copy of the wire format, checked on load.
 */
export const ARTIFACT_FORMAT = 'af.artifact/v1';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonSchema = Record<string, unknown>;
export type PromptSegment = { text: string } | { ref: string[] };

export interface ArtifactTool {
  name: string;
  description: string;
  scope: string;
  inputSchema: JsonSchema;
  requiresApproval: boolean;
  kind: 'code' | 'builtin';
  builtin?: string;
  code?: string;
  globalName?: string;
}

export interface Artifact {
  /** Content hash (id) of the artifact. */
  hash: string;
  format: typeof ARTIFACT_FORMAT;
  blueprint: { name: string; version: number; contentHash: string };
  goal: string;
  prompt: { system: PromptSegment[]; user: PromptSegment[]; variables: Record<string, JsonValue> };
  input: { schema: JsonSchema | null };
  output: { schema: JsonSchema | null; minConfidence: number | null };
  tools: ArtifactTool[];
  policy: { autonomyLevel: string; maxAllowedScope: string | null; requireApproval: string[] };
  model: { route: string[]; maxCostUsdPerRun: number | null };
}

/** Parses an artifact's JSON; anything but the format this worker understands is refused. */
export function parseArtifact(hash: string, json: string): Artifact {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError(ErrorCode.InvalidDocument, `artifact ${hash} is not valid JSON`, { path: '/artifactHash' });
  }
  const artifact = value as Partial<Artifact> | null;
  if (artifact?.format !== ARTIFACT_FORMAT) {
    throw new AppError(ErrorCode.PreconditionFailed, `artifact ${hash} has format ${String(artifact?.format)}; this worker runs ${ARTIFACT_FORMAT}`, { path: '/artifactHash' });
  }
  if (!Array.isArray(artifact.tools) || !artifact.prompt || !artifact.model || !artifact.blueprint) {
    throw new AppError(ErrorCode.InvalidDocument, `artifact ${hash} is incomplete`, { path: '/artifactHash' });
  }
  return { ...(artifact as Artifact), hash };
}
