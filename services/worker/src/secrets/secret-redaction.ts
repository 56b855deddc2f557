import { Inject, Injectable, Optional } from '@nestjs/common';
import { LOGGER, type Logger } from '@af/observability';

/**
 * Values shorter than this are not redacted: a 1–3 character "secret" would turn every
 * occurrence of a common string into `[secret:…]` and is no credential worth hiding.
 */
export const MIN_REDACTED_LENGTH = 4;

/** What a secret's value becomes in anything that leaves the worker. */
export const redactionMark = (name: string) => `[secret:${name}]`;

/**
 * The forms of a value that are replaced: as is, JSON-escaped (inside a JSON text such as a log
 * line or a step result), base64 and base64url (e.g. a Basic auth token echoed back), percent-
 * encoded (in a URL echoed back). Only whole-value encodings: a value base64-encoded together
 * with other text (`user:<secret>`) is not recognised.
 */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value, JSON.stringify(value).slice(1, -1), Buffer.from(value, 'utf8').toString('base64'), Buffer.from(value, 'utf8').toString('base64url'), encodeURIComponent(value)]);
  return [...forms].filter((f) => f.length >= MIN_REDACTED_LENGTH);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The values to hide and one regular expression that finds any of them (longest first): each
 * string is scanned once, whatever the number of secrets.
 */
class Needles {
  private readonly names = new Map<string, string>();
  private pattern: RegExp | undefined;

  add(name: string, value: string): void {
    if (value.length < MIN_REDACTED_LENGTH) return;
    for (const form of formsOf(value)) this.addForm(form, name);
  }

  addForm(form: string, name: string): void {
    if (this.names.get(form) === name) return;
    this.names.set(form, name);
    this.pattern = undefined;
  }

  get empty(): boolean {
    return this.names.size === 0;
  }

  entries(): IterableIterator<[string, string]> {
    return this.names.entries();
  }

  redact(text: string): string {
    if (this.names.size === 0 || text.length < MIN_REDACTED_LENGTH) return text;
    this.pattern ??= new RegExp(
      [...this.names.keys()]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, (found) => redactionMark(this.names.get(found) ?? 'unknown'));
  }
}

/**
 * Every secret value the worker resolved for a run, and what hides them: each string that leaves
 * the worker for the run — tool results and errors (so the step journal and the model see
 * `[secret:<name>]`), the RunSucceeded/RunFailed payloads — goes through `redact`; and every log
 * line this process writes goes through the values of all runs in flight (the logger's output
 * stream is wrapped once, at construction). A run's values are dropped when its execution ends.
 */
@Injectable()
export class SecretRedaction {
  private readonly runs = new Map<string, { needles: Needles; open: number }>();
  /** The values of every run in flight, for log lines (rebuilt when a run registers or ends). */
  private all: Needles | undefined;

  constructor(@Optional() @Inject(LOGGER) logger?: Logger) {
    if (logger) this.wrapLogStream(logger);
  }

  /** A run's execution starts (deliveries of one run may overlap: counted). */
  open(runId: string): void {
    const run = this.runs.get(runId);
    if (run) run.open++;
    else this.runs.set(runId, { needles: new Needles(), open: 1 });
  }

  /** A run's execution ended: its values are forgotten once no execution of it is open. */
  close(runId: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    if (--run.open > 0) return;
    this.runs.delete(runId);
    if (!run.needles.empty) this.all = undefined;
  }

  /** A value resolved for the run (`name` is how it is shown once redacted). */
  register(runId: string, name: string, value: string): void {
    let run = this.runs.get(runId);
    if (!run) {
      // Registered outside an open execution (a bridge used on its own): kept until close.
      run = { needles: new Needles(), open: 0 };
      this.runs.set(runId, run);
    }
    run.needles.add(name, value);
    this.all = undefined;
  }

  redact(runId: string, text: string): string {
    return this.runs.get(runId)?.needles.redact(text) ?? text;
  }

  /**
   * A copy of `value` with every string (and object key) redacted; the same object when the run
   * has no values. Plain objects and arrays are walked; anything else (numbers, bigints, bytes)
   * is kept as it is.
   */
  redactDeep<T>(runId: string, value: T): T {
    const needles = this.runs.get(runId)?.needles;
    if (!needles || needles.empty) return value;
    return walk(value, (s) => needles.redact(s)) as T;
  }

  /** A log line: the values of every run in flight. */
  redactLine(line: string): string {
    if (this.runs.size === 0) return line;
    if (!this.all) {
      const all = new Needles();
      for (const run of this.runs.values()) for (const [form, name] of run.needles.entries()) all.addForm(form, name);
      this.all = all;
    }
    return this.all.redact(line);
  }

  /**
   * pino writes each line with `stream.write(line)` on the stream it was built with (children
   * share it): wrapping that method once redacts every line of this process, whichever code
   * writes it. Idempotent per stream.
   */
  private wrapLogStream(logger: Logger): void {
    const stream = pinoStream(logger);
    if (!stream) return;
    if (!stream[WRAPPED]) {
      const redactions: SecretRedaction[] = [];
      const write = stream.write.bind(stream);
      stream.write = (chunk: string) => write(typeof chunk === 'string' ? redactions.reduce((line, r) => r.redactLine(line), chunk) : chunk);
      stream[WRAPPED] = redactions;
    }
    stream[WRAPPED].push(this);
  }
}

const WRAPPED = Symbol('af.secretRedaction');
type LogStream = { write: (chunk: string) => unknown; [WRAPPED]?: SecretRedaction[] };

/** The destination of a pino logger (pino's `symbols.streamSym`, found by its description: no import of pino here). */
function pinoStream(logger: Logger): LogStream | undefined {
  for (let o: object | null = logger; o; o = Object.getPrototypeOf(o) as object | null) {
    const sym = Object.getOwnPropertySymbols(o).find((s) => s.description === 'pino.stream');
    if (sym === undefined) continue;
    const stream = (o as Record<symbol, unknown>)[sym] as Partial<LogStream> | undefined;
    return stream && typeof stream.write === 'function' ? (stream as LogStream) : undefined;
  }
  return undefined;
}

function walk(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = walk(v, redact);
    return out;
  }
  return value;
}
