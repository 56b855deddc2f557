/** One environment variable: how to read it, and whether its value must never be logged. */
export interface VarSpec<T> {
  readonly kind: 'var';
  readonly env: string;
  readonly secret: boolean;
  readonly description: string;
  parse(raw: string | undefined): T;
}

/** A nested object of variable specs: one file per concern composes into one service config. */
export type ConfigSpec = { readonly [key: string]: VarSpec<unknown> | ConfigSpec };

export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends VarSpec<infer T> ? T : S[K] extends ConfigSpec ? ConfigOf<S[K]> : never;
};

import { redactUrl } from './redact.js';

export class ConfigVarError extends Error {
  override readonly name = 'ConfigVarError';
}

interface Common<T> {
  default?: T;
  description?: string;
}

function make<T>(env: string, opts: Common<T>, secret: boolean, parse: (raw: string) => T): VarSpec<T> {
  return {
    kind: 'var',
    env,
    secret,
    description: opts.description ?? '',
    parse(raw) {
      if (raw === undefined || raw === '') {
        if (opts.default !== undefined) return opts.default;
        throw new ConfigVarError('is required');
      }
      return parse(raw);
    },
  };
}

export const env = {
  string(name: string, opts: Common<string> & { pattern?: RegExp } = {}): VarSpec<string> {
    return make(name, opts, false, (raw) => {
      if (opts.pattern && !opts.pattern.test(raw)) throw new ConfigVarError(`must match ${opts.pattern}`);
      return raw;
    });
  },
  /** A value that must never be logged or echoed (keys, passwords, tokens): errors name the rule, never the value. */
  secret(name: string, opts: Common<string> & { minLength?: number } = {}): VarSpec<string> {
    return make(name, opts, true, (raw) => {
      const min = opts.minLength ?? 0;
      if (raw.length < min) throw new ConfigVarError(`must be at least ${min} characters (got ${raw.length})`);
      return raw;
    });
  },
  int(name: string, opts: Common<number> & { min?: number; max?: number } = {}): VarSpec<number> {
    return make(name, opts, false, (raw) => {
      if (!/^-?\d+$/.test(raw)) throw new ConfigVarError(`must be an integer, got "${raw}"`);
      const value = Number(raw);
      if (opts.min !== undefined && value < opts.min) throw new ConfigVarError(`must be ≥ ${opts.min}, got ${value}`);
      if (opts.max !== undefined && value > opts.max) throw new ConfigVarError(`must be ≤ ${opts.max}, got ${value}`);
      return value;
    });
  },
  port(name: string, opts: Common<number> = {}): VarSpec<number> {
    return env.int(name, { ...opts, min: 1, max: 65_535 });
  },
  bool(name: string, opts: Common<boolean> = {}): VarSpec<boolean> {
    return make(name, opts, false, (raw) => {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigVarError(`must be a boolean (true/false), got "${raw}"`);
    });
  },
  url(name: string, opts: Common<string> & { protocols: readonly string[] }): VarSpec<string> {
    return make(name, opts, false, (raw) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        // The value may hold credentials: never echoed whole.
        throw new ConfigVarError(`must be a URL (got ${raw.length} characters that do not parse as one: "${redactUrl(raw).slice(0, 40)}")`);
      }
      if (!opts.protocols.includes(url.protocol.replace(/:$/, ''))) {
        throw new ConfigVarError(`must use ${opts.protocols.join(' or ')}, got ${url.protocol}`);
      }
      return raw;
    });
  },
  oneOf<const T extends string>(name: string, values: readonly T[], opts: Common<T> = {}): VarSpec<T> {
    return make(name, opts, false, (raw) => {
      if (!(values as readonly string[]).includes(raw)) throw new ConfigVarError(`must be one of ${values.join(', ')}, got "${raw}"`);
      return raw as T;
    });
  },
};
