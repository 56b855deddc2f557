import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '@af/errors';
import { MODEL_PROVIDERS, type CompletionRequest, type CompletionResult, type ModelProvider } from './model-provider.js';

export interface RoutedCompletion {
  result: CompletionResult;
  provider: string;
  model: string;
}

/**
 * Serves a completion from the first route entry (`provider/model`) that can: an entry whose
 * provider is unknown or temporarily failing falls through to the next one; when none is left the
 * run fails with every reason.
 */
@Injectable()
export class ModelRouter {
  private readonly providers: Map<string, ModelProvider>;

  constructor(@Inject(MODEL_PROVIDERS) providers: ModelProvider[]) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  async complete(route: readonly string[], request: Omit<CompletionRequest, 'model'>): Promise<RoutedCompletion> {
    const reasons: string[] = [];
    for (const entry of route) {
      const slash = entry.indexOf('/');
      const providerName = slash > 0 ? entry.slice(0, slash) : entry;
      const model = slash > 0 ? entry.slice(slash + 1) : '';
      const provider = this.providers.get(providerName);
      if (!provider || !model) {
        reasons.push(`${entry}: ${!provider ? `unknown provider "${providerName}" (available: ${[...this.providers.keys()].join(', ')})` : 'no model named'}`);
        continue;
      }
      try {
        return { result: await provider.complete({ ...request, model }), provider: providerName, model };
      } catch (error) {
        if (error instanceof AppError && (error.code === ErrorCode.Unavailable || error.code === ErrorCode.Timeout)) {
          reasons.push(`${entry}: ${error.message}`);
          continue;
        }
        throw error;
      }
    }
    throw new AppError(ErrorCode.PreconditionFailed, `no model route entry could serve the run: ${reasons.join('; ') || 'the route is empty'}`, {
      path: '/spec/model/route',
      details: { route, reasons },
    });
  }
}
