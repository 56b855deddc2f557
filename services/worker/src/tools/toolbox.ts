import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import type { Artifact } from '../artifacts/artifact.js';
import { ToolBridges } from './bridges.js';
import { BuiltinTool } from './builtin.tools.js';
import { CodeTool } from './code.tool.js';
import { HttpRequestTool } from './http-request.tool.js';
import { Sandbox } from './sandbox.js';
import type { Tool } from './tool.js';

/** Builds the tools of an artifact (sandboxed code or builtins) and owns the sandbox. */
@Injectable()
export class Toolbox implements OnApplicationShutdown {
  constructor(
    readonly sandbox: Sandbox,
    private readonly bridges: ToolBridges,
  ) {}

  toolsOf(artifact: Artifact): Map<string, Tool> {
    const tools = new Map<string, Tool>();
    artifact.tools.forEach((spec, i) => {
      if (spec.kind === 'builtin' && spec.builtin === 'http.request') tools.set(spec.name, new HttpRequestTool(spec.name, this.bridges, artifact.network.allowHosts));
      else if (spec.kind === 'builtin' && spec.builtin) tools.set(spec.name, new BuiltinTool(spec.name, spec.builtin));
      else if (spec.kind === 'code' && spec.code && spec.globalName) tools.set(spec.name, new CodeTool({ ...spec, code: spec.code, globalName: spec.globalName }, this.sandbox, this.bridges, artifact.network.allowHosts));
      else throw new AppError(ErrorCode.InvalidDocument, `artifact ${artifact.hash}: tool "${spec.name}" has neither code nor a known builtin`, { path: `/spec/tools/${i}` });
    });
    return tools;
  }

  onApplicationShutdown(): void {
    this.sandbox.dispose();
  }
}
