import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import type { Artifact } from '../artifacts/artifact.js';
import { ToolBridges } from './bridges.js';
import { BuiltinTool } from './builtin.tools.js';
import { CodeTool } from './code.tool.js';
import { HttpRequestTool } from './http-request.tool.js';
import { RedactedTool } from './redacted.tool.js';
import { SecretRedaction } from '../secrets/secret-redaction.js';
import { Sandbox } from './sandbox.js';
import type { Tool } from './tool.js';

/** Builds the tools of an artifact (sandboxed code or builtins; redacted when it declares credentials) and owns the sandbox. */
@Injectable()
export class Toolbox implements OnApplicationShutdown {
  constructor(
    readonly sandbox: Sandbox,
    private readonly bridges: ToolBridges,
    private readonly redaction: SecretRedaction,
  ) {}

  toolsOf(artifact: Artifact): Map<string, Tool> {
    const tools = new Map<string, Tool>();
    artifact.tools.forEach((spec, i) => {
      if (spec.kind === 'builtin' && spec.builtin === 'http.request') tools.set(spec.name, new HttpRequestTool(spec.name, this.bridges, artifact.network));
      else if (spec.kind === 'builtin' && spec.builtin) tools.set(spec.name, new BuiltinTool(spec.name, spec.builtin));
      else if (spec.kind === 'code' && spec.code && spec.globalName) tools.set(spec.name, new CodeTool({ ...spec, code: spec.code, globalName: spec.globalName }, this.sandbox, this.bridges, artifact.network));
      else throw new AppError(ErrorCode.InvalidDocument, `artifact ${artifact.hash}: tool "${spec.name}" has neither code nor a known builtin`, { path: `/spec/tools/${i}` });
    });
    // Only blueprints with credentials resolve secrets: the others skip the wrapper.
    if (!artifact.network.credentials?.length) return tools;
    return new Map([...tools].map(([name, tool]) => [name, new RedactedTool(tool, this.redaction)]));
  }

  onApplicationShutdown(): void {
    this.sandbox.dispose();
  }
}
