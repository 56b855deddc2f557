import { AppError, ErrorCode } from '@af/errors';

import { ARTIFACT_FORMAT, type ArtifactDocument, type ArtifactTool as WireTool, type JsonSchema, type JsonValue } from '@af/contracts';

export { ARTIFACT_FORMAT, type JsonSchema, type JsonValue, type PromptSegment } from '@af/contracts';

export type ArtifactTool = Omit<WireTool, 'inputSchema'> & { inputSchema: JsonSchema };

/**
 * A loaded artifact: the wire format (@af/contracts), its content hash, and every JSON Schema as
 * an object (`true` → `{}`, `false` → `{not: {}}`), which is what ajv and the provider take.
 */
export type Artifact = Omit<ArtifactDocument, 'tools' | 'input' | 'output'> & {
  hash: string;
  tools: ArtifactTool[];
  input: { schema: JsonSchema | null };
  output: { schema: JsonSchema | null; minConfidence: number | null };
};

function asSchema(value: JsonValue | null | undefined): JsonSchema | null {
  if (value === null || value === undefined) return null;
  if (value === true) return {};
  if (value === false) return { not: {} };
  return typeof value === 'object' && !Array.isArray(value) ? value : { not: {} };
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
  const wire = artifact as ArtifactDocument;
  const allowHosts = wire.network?.allowHosts;
  return {
    ...wire,
    hash,
    tools: wire.tools.map((tool) => ({ ...tool, inputSchema: asSchema(tool.inputSchema) ?? {} })),
    input: { schema: asSchema(wire.input?.schema) },
    output: { schema: asSchema(wire.output?.schema), minConfidence: wire.output?.minConfidence ?? null },
    network: {
      allowHosts: Array.isArray(allowHosts) ? allowHosts.filter((h): h is string => typeof h === 'string') : [],
      // Header names and secret names only (the compiler checked them); values come at call time.
      ...(Array.isArray(wire.network?.credentials) && wire.network.credentials.length > 0 ? { credentials: wire.network.credentials } : {}),
    },
  };
}
