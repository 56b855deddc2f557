import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { apiErrorFrom, unreachable } from './errors.js';
import type { paths } from './schema.gen.js';

export type { paths, components, operations } from './schema.gen.js';

export interface AfClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:8080` (no trailing path). An empty string: same origin (the console). */
  baseUrl: string;
  /** A JWT or an API key (`afk_…`); both travel as `Authorization: Bearer …`. Read on every request, so a login can set it later. */
  credential?: () => string | undefined;
  /** Another fetch (tests, a proxy-aware one). */
  fetch?: typeof globalThis.fetch;
  /** Sent as `User-Agent` where the runtime allows it (Node), e.g. `af-cli/0.1.0`. */
  userAgent?: string;
}

/** The typed client: `GET`, `POST`, … take the OpenAPI paths; a non-2xx answer rejects with an ApiError. */
export type AfClient = Client<paths>;

export function authHeaders(options: Pick<AfClientOptions, 'credential' | 'userAgent'>): Record<string, string> {
  const headers: Record<string, string> = {};
  const credential = options.credential?.();
  if (credential) headers['authorization'] = `Bearer ${credential}`;
  if (options.userAgent) headers['user-agent'] = options.userAgent;
  return headers;
}

/**
 * The gateway's API as a typed client (openapi-fetch over the generated `paths`). Credentials are
 * added per request; an error answer becomes an ApiError (code, message, path) thrown to the caller,
 * so a call site reads `const { data } = await client.GET(...)` and handles errors in one place.
 */
export function createAfClient(options: AfClientOptions): AfClient {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: async (request: Request) => {
      try {
        return await baseFetch(request);
      } catch (cause) {
        throw unreachable(options.baseUrl || 'this origin', cause);
      }
    },
  });
  const middleware: Middleware = {
    onRequest({ request }) {
      for (const [name, value] of Object.entries(authHeaders(options))) request.headers.set(name, value);
      return request;
    },
    async onResponse({ response }) {
      if (response.ok) return response;
      const text = await response.clone().text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      throw apiErrorFrom(response.status, body, response.headers);
    },
  };
  client.use(middleware);
  return client;
}
