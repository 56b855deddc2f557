import { Injectable } from '@nestjs/common';
import { AppError } from '@af/errors';
import { MessageBus } from '@af/messaging';
import { agentName, isPlainObject, optionalVersion } from '../http/input.js';

const ARTIFACT_HASH = /^sha256:[0-9a-f]{64}$/;

@Injectable()
export class ArtifactsApi {
  constructor(private readonly bus: MessageBus) {}

  /** Compiles a stored blueprint version (latest without `version`); compile errors are 422 with the blueprint path and line/column. */
  async compile(name: string, body: unknown) {
    if (body !== undefined && body !== null && !isPlainObject(body)) throw AppError.invalid('body must be a JSON object like {"version": 1}', '');
    const version = optionalVersion(isPlainObject(body) ? body['version'] : undefined, '/version');
    const reply = await this.bus.request('af.v1.compilation.blueprint.compile', { name: agentName(name), version }, { timeoutMs: 30_000 });
    return { artifactHash: reply.artifactHash, compileMs: reply.compileMs, cached: reply.cached };
  }

  /** What an artifact is, without its code. */
  async describe(hash: string) {
    if (!ARTIFACT_HASH.test(hash)) throw AppError.invalid('an artifact hash looks like sha256:<64 hex digits>', '/hash');
    const reply = await this.bus.request('af.v1.compilation.artifact.describe', { artifactHash: hash });
    return {
      hash: reply.artifactHash,
      blueprint: { name: reply.blueprintName, version: reply.blueprintVersion },
      size: reply.size,
      createdAt: reply.createdAt,
      compilerVersion: reply.compilerVersion,
      tools: reply.toolNames,
    };
  }
}
