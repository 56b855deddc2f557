import type { JsonValue } from '../artifacts/artifact.js';
import type { SecretRedaction } from '../secrets/secret-redaction.js';
import type { Tool, ToolContext } from './tool.js';

/**
 * A tool whose result and error message are redacted with its run's secret values before they
 * leave it: what the step journal stores, the model reads and run events carry shows
 * `[secret:<name>]`. The error object is kept (its class says why the tool failed); only its
 * message is rewritten.
 */
export class RedactedTool implements Tool {
  readonly name: string;
  readonly kind: Tool['kind'];

  constructor(
    private readonly tool: Tool,
    private readonly redaction: SecretRedaction,
  ) {
    this.name = tool.name;
    this.kind = tool.kind;
  }

  async invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue> {
    try {
      return this.redaction.redactDeep(ctx.runId, await this.tool.invoke(args, ctx));
    } catch (error) {
      if (error instanceof Error) {
        error.message = this.redaction.redact(ctx.runId, error.message);
        if (error.stack) error.stack = this.redaction.redact(ctx.runId, error.stack);
      }
      throw error;
    }
  }
}
