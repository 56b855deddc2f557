import { isSecretName } from '@af/blueprint-format';
import { ConfigVarError, type VarSpec } from '@af/config';

/** Prices in USD per million tokens; cached input defaults to the input price. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
}

/** One configured provider endpoint (AF_MODEL_PROVIDERS entry). Blueprints only name `provider/model`. */
export interface ProviderSettings {
  name: string;
  kind: 'openai' | 'anthropic';
  baseUrl: string;
  /** Read from the environment variable named by `apiKeyEnv` when the config is loaded ('' = none, e.g. Ollama). */
  apiKey: string;
  apiKeyEnv: string;
  /**
   * A tenant's own key: the name of a secret in the secrets service. When the calling tenant has
   * it, its value is the key for that tenant's calls; else `apiKey` (or none). '' = off.
   */
  apiKeySecret: string;
  /** Time limit of one call, streaming included. */
  timeoutMs: number;
  /** max_tokens sent with each call (Anthropic requires one). */
  maxOutputTokens: number;
  /** Extra headers (e.g. an Azure `api-key` or a gateway's routing header); values never logged. */
  headers: Record<string, string>;
  /** Query parameters added to every request (e.g. Azure's `api-version`). */
  query: Record<string, string>;
  models: Record<string, ModelPrice>;
}

const ProviderConfigError = ConfigVarError;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function price(value: unknown, where: string, required: boolean): number | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ProviderConfigError(`${where} must be a number ≥ 0`);
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw new ProviderConfigError(`${where} must be an object of strings`);
  return value as Record<string, string>;
}

/**
 * Parses AF_MODEL_PROVIDERS: `{ "<name>": { "kind": "openai"|"anthropic", "baseUrl": "http(s)://…",
 * "apiKeyEnv": "OPENAI_API_KEY", "timeoutMs": 30000, "maxOutputTokens": 4096, "headers": {…},
 * "query": {…}, "models": { "<model>": { "inputPerMTok": 0.15, "outputPerMTok": 0.6, "cachedInputPerMTok": 0.075 } } } }`.
 * Errors name the entry and field, never a key's value.
 */
export function parseProviders(raw: string, source: NodeJS.ProcessEnv): ProviderSettings[] {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (error) {
    throw new ProviderConfigError(`must be JSON (${(error as Error).message})`);
  }
  if (!isObject(doc)) throw new ProviderConfigError('must be a JSON object of providers by name');
  return Object.entries(doc).map(([name, entry]) => {
    const at = `provider "${name}"`;
    if (!NAME.test(name)) throw new ProviderConfigError(`${at}: a name is lower-case letters, digits, - and _ (starting with a letter)`);
    if (name === 'offline') throw new ProviderConfigError(`${at}: "offline" is the built-in deterministic provider`);
    if (!isObject(entry)) throw new ProviderConfigError(`${at} must be an object`);
    const known = new Set(['kind', 'baseUrl', 'apiKeyEnv', 'apiKeySecret', 'timeoutMs', 'maxOutputTokens', 'headers', 'query', 'models']);
    const unknown = Object.keys(entry).find((k) => !known.has(k));
    if (unknown) throw new ProviderConfigError(`${at}: unknown field "${unknown}" (a key goes in the variable named by apiKeyEnv, never here)`);
    const kind = entry['kind'];
    if (kind !== 'openai' && kind !== 'anthropic') throw new ProviderConfigError(`${at}: kind must be "openai" (OpenAI-compatible chat completions) or "anthropic" (Messages API)`);
    const baseUrl = entry['baseUrl'];
    if (typeof baseUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(baseUrl) || !URL.canParse(baseUrl)) throw new ProviderConfigError(`${at}: baseUrl must be an http(s) URL`);
    const apiKeyEnv = entry['apiKeyEnv'] ?? '';
    if (typeof apiKeyEnv !== 'string' || (apiKeyEnv !== '' && !/^[A-Z_][A-Z0-9_]*$/.test(apiKeyEnv))) throw new ProviderConfigError(`${at}: apiKeyEnv must name an environment variable`);
    const apiKey = apiKeyEnv ? (source[apiKeyEnv] ?? '') : '';
    const apiKeySecret = entry['apiKeySecret'] ?? '';
    if (typeof apiKeySecret !== 'string' || (apiKeySecret !== '' && !isSecretName(apiKeySecret))) throw new ProviderConfigError(`${at}: apiKeySecret must name a secret (letters, digits, _ - .; starting with a letter)`);
    if (apiKeyEnv && !apiKey) throw new ProviderConfigError(`${at}: the environment variable ${apiKeyEnv} (its API key) is not set`);
    const int = (field: string, fallback: number, max: number): number => {
      const v = entry[field] ?? fallback;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new ProviderConfigError(`${at}: ${field} must be an integer in [1, ${max}]`);
      return v;
    };
    const models = entry['models'];
    if (!isObject(models) || Object.keys(models).length === 0) throw new ProviderConfigError(`${at}: models must list each model with its prices (USD per million tokens; 0 for a local model)`);
    const prices: Record<string, ModelPrice> = {};
    for (const [model, p] of Object.entries(models)) {
      const where = `${at} model "${model}"`;
      if (!isObject(p)) throw new ProviderConfigError(`${where} must be an object of prices`);
      const inputPerMTok = price(p['inputPerMTok'], `${where}.inputPerMTok`, true) as number;
      prices[model] = { inputPerMTok, outputPerMTok: price(p['outputPerMTok'], `${where}.outputPerMTok`, true) as number, cachedInputPerMTok: price(p['cachedInputPerMTok'], `${where}.cachedInputPerMTok`, false) ?? inputPerMTok };
    }
    return {
      name,
      kind,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      apiKey,
      apiKeyEnv,
      apiKeySecret,
      timeoutMs: int('timeoutMs', DEFAULT_TIMEOUT_MS, 600_000),
      maxOutputTokens: int('maxOutputTokens', DEFAULT_MAX_OUTPUT_TOKENS, 1_000_000),
      headers: stringMap(entry['headers'], `${at}.headers`),
      query: stringMap(entry['query'], `${at}.query`),
      models: prices,
    };
  });
}

/**
 * AF_MODEL_PROVIDERS as a config variable, validated once when the config is loaded ('' = only
 * the offline provider). API keys are read from `source` (the variables named by apiKeyEnv).
 */
export function providersVar(name: string, description: string, source: NodeJS.ProcessEnv): VarSpec<ProviderSettings[]> {
  return {
    kind: 'var',
    env: name,
    // The parsed value holds the keys (and header values may be credentials): described as [secret].
    secret: true,
    description,
    parse: (raw) => (raw ? parseProviders(raw, source) : []),
  };
}

/** Cost in USD of one call: cached input tokens (part of input) at the cached price. */
export function costOf(price: ModelPrice, usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number }): number {
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  return ((usage.inputTokens - cached) * price.inputPerMTok + cached * price.cachedInputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}
