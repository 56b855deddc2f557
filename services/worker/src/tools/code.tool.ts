import type { ArtifactTool, JsonValue } from '../artifacts/artifact.js';
import type { ToolBridges, ToolNetwork } from './bridges.js';
import type { Sandbox } from './sandbox.js';
import type { Tool, ToolContext } from './tool.js';

/** Tool code from the blueprint, run in the isolate of its artifact (per tenant), with the audited bridges. */
export class CodeTool implements Tool {
  readonly kind = 'code' as const;
  readonly name: string;

  constructor(
    private readonly spec: ArtifactTool & { code: string; globalName: string },
    private readonly sandbox: Sandbox,
    private readonly bridges: ToolBridges,
    private readonly network: ToolNetwork,
  ) {
    this.name = spec.name;
  }

  invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue> {
    return this.sandbox.call(
      `${ctx.tenantId}/${ctx.artifactHash}`,
      { name: this.spec.name, code: this.spec.code, globalName: this.spec.globalName },
      args,
      this.bridges.forCall({ ...ctx, tool: this.spec.name }, this.network),
    );
  }
}
