import { createAfClient, type AfClient, type AfClientOptions } from '@af/api-client';
import { readConfig } from './config/config.store.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import { colorWanted, painter, resolveFormat, type OutputFormat, type Painter } from './output/format.js';

export const CLI_VERSION = '0.1.0';
export const USER_AGENT = `af-cli/${CLI_VERSION}`;
export const DEFAULT_GATEWAY = 'http://127.0.0.1:8080';

/** The options every command inherits from `af` itself. */
export interface GlobalOptions {
  gateway?: string;
  output?: string;
  /** commander's `--no-color`: false when given. */
  color?: boolean;
}

/** What a command runs with: the client, the format it prints in, colours per stream. */
export interface Session {
  io: CliIo;
  gateway: string;
  client: AfClient;
  clientOptions: AfClientOptions;
  format: OutputFormat;
  out: Painter;
  err: Painter;
}

/** The gateway to talk to: `--gateway`, else AF_GATEWAY_URL, else the stored login's, else the local mesh. */
export function gatewayOf(globals: GlobalOptions, io: CliIo, stored?: string): string {
  const url = globals.gateway ?? io.env['AF_GATEWAY_URL'] ?? stored ?? DEFAULT_GATEWAY;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw CliError.usage(`the gateway must be an http(s) URL, not "${url}"`, '--gateway');
  }
  return url.replace(/\/+$/, '');
}

/** Output settings only (commands that print without calling the API, e.g. `af completion`). */
export function painters(globals: GlobalOptions, io: CliIo): { format: OutputFormat; out: Painter; err: Painter } {
  const noColor = globals.color === false;
  return {
    format: resolveFormat(globals.output, io.stdout),
    out: painter(colorWanted(io, io.stdout, noColor)),
    err: painter(colorWanted(io, io.stderr, noColor)),
  };
}

/**
 * A session against the gateway with a credential: AF_TOKEN (CI, tests) before the stored login.
 * No credential at all is an error that says how to get one.
 */
export async function openSession(globals: GlobalOptions, io: CliIo): Promise<Session> {
  const output = painters(globals, io);
  const stored = await readConfig(io.env);
  const gateway = gatewayOf(globals, io, stored?.gateway);
  const credential = io.env['AF_TOKEN'] || stored?.credential;
  if (!credential) throw new CliError('UNAUTHENTICATED', 'not logged in: run `af login` (or set AF_TOKEN)');
  return sessionWith(io, gateway, credential, output);
}

export function sessionWith(io: CliIo, gateway: string, credential: string, output: ReturnType<typeof painters>): Session {
  const clientOptions: AfClientOptions = { baseUrl: gateway, credential: () => credential, userAgent: USER_AGENT };
  return { io, gateway, client: createAfClient(clientOptions), clientOptions, ...output };
}
