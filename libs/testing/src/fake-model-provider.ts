import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake provider does with one request. */
export type Behaviour =
  /** Streams tool calls (arguments in several chunks). */
  | { kind: 'tools'; calls: { name: string; arguments: unknown }[]; text?: string }
  /** Streams a final answer: `text` as is (JSON or not), after `delayMs` (a client can subscribe to the stream first). */
  | { kind: 'final'; text: string; delayMs?: number }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Starts a stream, then sends a chunk that is not JSON and closes. */
  | { kind: 'garbled' };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  at: number;
}

export interface Usage {
  input: number;
  output: number;
  cached: number;
}

/**
 * A local HTTP server speaking one provider's wire protocol — OpenAI chat completions
 * (`POST …/chat/completions`, SSE `data:` chunks with tool-call deltas, usage in the last chunk,
 * `data: [DONE]`) or Anthropic Messages (`POST /v1/messages`, SSE `event:`/`data:` pairs:
 * message_start, content_block_start/delta/stop, message_delta, message_stop). `respond` decides
 * each answer from the request body; every request is recorded.
 */
export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  respond: (body: Record<string, unknown>, n: number) => Behaviour = () => ({ kind: 'final', text: '{}' });
  usage: Usage = { input: 1_000, output: 200, cached: 400 };
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  private gate: { nth: number; arrive: () => void; released: Promise<void> } | undefined;

  private constructor(readonly protocol: 'openai' | 'anthropic') {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** On a free port, or on `port` (a mesh started for end-to-end tests is configured with a fixed base URL). */
  static async start(protocol: 'openai' | 'anthropic', port = 0): Promise<FakeProvider> {
    const fake = new FakeProvider(protocol);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(port, '127.0.0.1', resolve);
    });
    return fake;
  }

  /** Recorded requests whose body contains `marker` (a test's own string in the prompt). */
  requestsWith(marker: string): RecordedRequest[] {
    return this.requests.filter((r) => JSON.stringify(r.body).includes(marker));
  }

  /** The base URL to configure: OpenAI's SDK appends /chat/completions, Anthropic's /v1/messages. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return this.protocol === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
  }

  /** Request number `nth` (1-based, counted since the last reset of `requests`) waits unanswered until released, then is answered as usual. */
  hold(nth: number): { arrived: Promise<void>; release: () => void } {
    let arrive = () => undefined as void;
    let release = () => undefined as void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const released = new Promise<void>((r) => (release = r));
    this.gate = { nth, arrive, released };
    return { arrived, release };
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Test-side introspection across processes (end-to-end tests run in Jest workers, the fake in the global setup).
    if (req.method === 'GET' && req.url?.startsWith('/__requests')) {
      const marker = new URL(req.url, 'http://fake').searchParams.get('marker') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: this.requestsWith(marker).length }));
      return;
    }
    const expected = this.protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (req.method !== 'POST' || req.url?.split('?')[0] !== expected) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    this.requests.push({ path: req.url ?? '', headers: req.headers, body, at: Date.now() });
    const gate = this.gate;
    if (gate && gate.nth === this.requests.length) {
      this.gate = undefined;
      gate.arrive();
      await gate.released;
    }
    const behaviour = this.respond(body, this.requests.length);
    if (behaviour.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (behaviour.kind === 'status') {
      const error = this.protocol === 'openai' ? { error: { message: behaviour.body ?? `status ${behaviour.status}`, type: 'fake' } } : { type: 'error', error: { type: 'fake', message: behaviour.body ?? `status ${behaviour.status}` } };
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...(behaviour.retryAfter !== undefined ? { 'retry-after': behaviour.retryAfter } : {}) }).end(JSON.stringify(error));
      return;
    }
    if (behaviour.kind === 'final' && behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (this.protocol === 'openai') this.streamOpenAi(res, behaviour, String(body['model']));
    else this.streamAnthropic(res, behaviour, String(body['model']));
  }

  private streamOpenAi(res: ServerResponse, behaviour: Exclude<Behaviour, { kind: 'hang' | 'status' }>, model: string): void {
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    if (behaviour.kind === 'garbled') {
      res.end('data: {"choices": [ this is not json\n\n');
      return;
    }
    if (behaviour.kind === 'tools') {
      if (behaviour.text) res.write(chunk({ content: behaviour.text }));
      behaviour.calls.forEach((call, index) => {
        res.write(chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
        for (const piece of pieces(JSON.stringify(call.arguments))) res.write(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      });
      res.write(chunk({}, 'tool_calls'));
    } else {
      for (const piece of pieces(behaviour.text)) res.write(chunk({ content: piece }));
      res.write(chunk({}, 'stop'));
    }
    const u = this.usage;
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cached } } })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  private streamAnthropic(res: ServerResponse, behaviour: Exclude<Behaviour, { kind: 'hang' | 'status' }>, model: string): void {
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const u = this.usage;
    // Anthropic's input_tokens exclude cache reads.
    event('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: u.input - u.cached, cache_read_input_tokens: u.cached, cache_creation_input_tokens: 0, output_tokens: 1 } } });
    if (behaviour.kind === 'garbled') {
      res.end('event: content_block_start\ndata: {"type": not json\n\n');
      return;
    }
    let index = 0;
    const text = (value: string) => {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const piece of pieces(value)) event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      event('content_block_stop', { index });
      index++;
    };
    if (behaviour.kind === 'tools') {
      if (behaviour.text) text(behaviour.text);
      for (const call of behaviour.calls) {
        event('content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_${index}`, name: call.name, input: {} } });
        for (const piece of pieces(JSON.stringify(call.arguments))) event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
        event('content_block_stop', { index });
        index++;
      }
    } else {
      text(behaviour.text);
    }
    event('message_delta', { delta: { stop_reason: behaviour.kind === 'tools' ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output } });
    event('message_stop', {});
    res.end();
  }
}

/** A text in 3 pieces (so clients must assemble deltas). */
function pieces(text: string): string[] {
  const third = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += third) out.push(text.slice(i, i + third));
  return out.length > 0 ? out : [''];
}

/** Whether a chat request (either protocol) already carries a tool result. */
export function hasToolResult(body: Record<string, unknown>): boolean {
  const messages = (body['messages'] as { role: string; content: unknown }[]) ?? [];
  return messages.some((m) => m.role === 'tool' || (Array.isArray(m.content) && (m.content as { type?: string }[]).some((b) => b.type === 'tool_result')));
}
