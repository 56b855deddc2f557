import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from '../io.js';

/** A request the fake gateway saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/**
 * A stand-in for the gateway on a random local port: routes `METHOD /path` (query excluded) to
 * handlers, records every request, and answers 404 NOT_FOUND for anything unrouted.
 */
export class FakeGateway {
  readonly seen: SeenRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private server: Server | undefined;
  url = '';

  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  /** Answers JSON with a status. */
  static json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0]!;
        const seen = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.seen.push(seen);
        const handler = this.routes.get(`${seen.method} ${path}`);
        if (!handler) return FakeGateway.json(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${seen.method} ${path}`, path: '/name' } });
        void Promise.resolve(handler(seen, res)).catch((error: unknown) => FakeGateway.json(res, 500, { error: { code: 'INTERNAL', message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** An io whose streams are strings (not terminals unless asked), env given, stdin given. */
export function bufferIo(env: NodeJS.ProcessEnv, options: { stdin?: string; tty?: boolean } = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    readStdin: async () => options.stdin ?? '',
    pollIntervalMs: 10,
    out: () => out,
    err: () => err,
  };
}
