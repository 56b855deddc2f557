import { redactUrl } from './redact.js';
import { ConfigVarError, type ConfigOf, type ConfigSpec, type VarSpec } from './spec.js';

export interface ConfigProblem {
  env: string;
  problem: string;
}

/** Thrown once at boot with every bad variable, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.env} ${p.problem}`).join('\n')}`);
  }
}

function isVar(node: VarSpec<unknown> | ConfigSpec): node is VarSpec<unknown> {
  return (node as VarSpec<unknown>).kind === 'var';
}

/** Reads and validates the whole config once; throws {@link ConfigError} listing every problem. */
export function loadConfig<S extends ConfigSpec>(spec: S, source: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const walk = (node: ConfigSpec): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      if (isVar(child)) {
        try {
          out[key] = child.parse(source[child.env]);
        } catch (error) {
          if (!(error instanceof ConfigVarError)) throw error;
          const raw = source[child.env] ?? '';
          // A secret's value is never echoed, whatever a parser wrote; URLs lose their credentials.
          const problem = child.secret && raw !== '' ? error.message.split(raw).join('[secret]') : redactUrl(error.message);
          problems.push({ env: child.env, problem });
        }
      } else {
        out[key] = walk(child);
      }
    }
    return out;
  };
  const config = walk(spec);
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** The config as it may be logged: secrets replaced by "[secret]", credentials in URLs by "***". */
export function describeConfig(spec: ConfigSpec, config: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const values = config as Record<string, unknown>;
  for (const [key, child] of Object.entries(spec)) {
    const value = values[key];
    out[key] = isVar(child) ? (child.secret ? '[secret]' : typeof value === 'string' ? redactUrl(value) : value) : describeConfig(child, value);
  }
  return out;
}
