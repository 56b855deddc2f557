import type { JsonValue } from '../artifacts/artifact.js';
import type { ToolBridges, ToolNetwork } from './bridges.js';
import type { FetchResponse } from './safe-fetch.js';
import type { Tool, ToolContext } from './tool.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The `http.request` builtin: a real HTTP call, made by the platform (not by tool code) through
 * the same audited fetch bridge the sandbox uses — the blueprint's `spec.network.allowHosts`,
 * no loopback/private/link-local/metadata addresses, size and time caps. Arguments:
 * `{url, method?, headers?, body?}` (a non-string body is sent as JSON).
 */
export class HttpRequestTool implements Tool {
  readonly kind = 'builtin' as const;

  constructor(
    readonly name: string,
    private readonly bridges: ToolBridges,
    private readonly network: ToolNetwork,
  ) {}

  async invoke(args: JsonValue, ctx: ToolContext): Promise<JsonValue> {
    const a = args !== null && typeof args === 'object' && !Array.isArray(args) ? args : {};
    const url = a['url'];
    if (typeof url !== 'string' || url === '') throw new Error('http.request needs a "url" string argument');
    const method = typeof a['method'] === 'string' ? a['method'].toUpperCase() : 'GET';
    if (!METHODS.has(method)) throw new Error(`http.request method "${method}" is not supported`);
    const headers: Record<string, string> = {};
    const given = a['headers'];
    if (given !== null && typeof given === 'object' && !Array.isArray(given)) for (const [k, v] of Object.entries(given)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
    let body: string | undefined;
    if (a['body'] !== undefined && a['body'] !== null) {
      body = typeof a['body'] === 'string' ? a['body'] : JSON.stringify(a['body']);
      if (typeof a['body'] !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const bridge = this.bridges.forCall({ ...ctx, tool: this.name }, this.network);
    const response = JSON.parse(await bridge('fetch', JSON.stringify({ url, init: { method, headers, ...(body === undefined ? {} : { body }) } }), new AbortController().signal /* SafeFetch enforces its own time limit */)) as FetchResponse;
    const contentType = response.headers.find(([k]) => k === 'content-type')?.[1] ?? '';
    let parsed: JsonValue = response.body;
    if (/\bjson\b/i.test(contentType)) {
      try {
        parsed = JSON.parse(response.body) as JsonValue;
      } catch {
        parsed = response.body;
      }
    }
    return { status: response.status, ok: response.status >= 200 && response.status < 300, url: response.url, headers: Object.fromEntries(response.headers), body: parsed };
  }
}
