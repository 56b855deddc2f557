import type { ArtifactTool, JsonValue } from '../artifacts/artifact.js';
import type { Sandbox } from './sandbox.js';
import type { Tool, ToolContext } from './tool.js';

/** Tool code from the blueprint, run in the artifact's isolate. */
export class CodeTool implements Tool {
  readonly kind = 'code' as const;
  readonly name: string;

  constructor(
    private readonly spec: ArtifactTool & { code: string; globalName: string },
    private readonly sandbox: Sandbox,
  ) {
    this.name = spec.name;
  }

  invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue> {
    return this.sandbox.call(ctx.artifactHash, { name: this.spec.name, code: this.spec.code, globalName: this.spec.globalName }, args);
  }
}
