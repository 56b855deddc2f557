import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** One span as a collector received it, with its resource's service.name. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  service: string;
  scope: string;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

/** Largest export request accepted (a collector's default is 4 MiB for gRPC; HTTP is unbounded there). */
export const OTLP_RECEIVER_MAX_BODY_BYTES = 16 * 1024 * 1024;

type AttrValue = string | number | boolean;

function sub(reader: BinaryReader): BinaryReader {
  return new BinaryReader(reader.bytes());
}

/** Reads a message's fields until its end, calling `field` for each (unknown ones are skipped). */
function fields(reader: BinaryReader, field: (no: number, wire: WireType, r: BinaryReader) => boolean): void {
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (!field(no, wire, reader)) reader.skip(wire, no);
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function anyValue(reader: BinaryReader): AttrValue {
  let value: AttrValue = '';
  fields(reader, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) value = r.string();
    else if (no === 2 && wire === WireType.Varint) value = r.bool();
    else if (no === 3 && wire === WireType.Varint) value = Number(r.int64());
    else if (no === 4 && wire === WireType.Bit64) value = r.double();
    else if (no >= 5 && no <= 7 && wire === WireType.LengthDelimited) value = `<${no === 7 ? 'bytes' : 'composite'}:${r.bytes().byteLength}>`;
    else return false;
    return true;
  });
  return value;
}

function keyValue(reader: BinaryReader, into: Record<string, AttrValue>): void {
  let key = '';
  let value: AttrValue = '';
  fields(reader, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) key = r.string();
    else if (no === 2 && wire === WireType.LengthDelimited) value = anyValue(sub(r));
    else return false;
    return true;
  });
  into[key] = value;
}

function span(reader: BinaryReader, service: string, scope: string): ReceivedSpan {
  const out: ReceivedSpan = { traceId: '', spanId: '', parentSpanId: '', name: '', kind: 0, service, scope, attributes: {}, status: { code: 0, message: '' }, startTimeUnixNano: '0', endTimeUnixNano: '0' };
  fields(reader, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) out.traceId = hex(r.bytes());
    else if (no === 2 && wire === WireType.LengthDelimited) out.spanId = hex(r.bytes());
    else if (no === 4 && wire === WireType.LengthDelimited) out.parentSpanId = hex(r.bytes());
    else if (no === 5 && wire === WireType.LengthDelimited) out.name = r.string();
    else if (no === 6 && wire === WireType.Varint) out.kind = r.int32();
    else if (no === 7 && wire === WireType.Bit64) out.startTimeUnixNano = String(r.fixed64());
    else if (no === 8 && wire === WireType.Bit64) out.endTimeUnixNano = String(r.fixed64());
    else if (no === 9 && wire === WireType.LengthDelimited) keyValue(sub(r), out.attributes);
    else if (no === 15 && wire === WireType.LengthDelimited) {
      fields(sub(r), (sno, swire, sr) => {
        if (sno === 2 && swire === WireType.LengthDelimited) out.status.message = sr.string();
        else if (sno === 3 && swire === WireType.Varint) out.status.code = sr.int32();
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  if (out.traceId.length !== 32 || out.spanId.length !== 16) throw new Error(`span "${out.name}" has no valid trace id / span id`);
  return out;
}

/**
 * Decodes an OTLP ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1, protobuf) into
 * its spans, each with its resource's service.name. Read with @bufbuild/protobuf's wire reader
 * over the few fields a test looks at (the OTLP .proto files are not in the repo to generate from);
 * throws on bytes that are not such a message.
 */
export function decodeExportTraceRequest(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(new BinaryReader(body), (no, wire, r) => {
    if (no !== 1 || wire !== WireType.LengthDelimited) return false;
    const resourceSpans = sub(r);
    const resource: Record<string, AttrValue> = {};
    const scopeSpans: Uint8Array[] = [];
    fields(resourceSpans, (rno, rwire, rr) => {
      if (rno === 1 && rwire === WireType.LengthDelimited) {
        fields(sub(rr), (ano, awire, ar) => {
          if (ano !== 1 || awire !== WireType.LengthDelimited) return false;
          keyValue(sub(ar), resource);
          return true;
        });
      } else if (rno === 2 && rwire === WireType.LengthDelimited) scopeSpans.push(rr.bytes());
      else return false;
      return true;
    });
    const service = String(resource['service.name'] ?? '');
    for (const bytes of scopeSpans) {
      let scope = '';
      const raw: Uint8Array[] = [];
      fields(new BinaryReader(bytes), (sno, swire, sr) => {
        if (sno === 1 && swire === WireType.LengthDelimited) {
          fields(sub(sr), (ino, iwire, ir) => {
            if (ino !== 1 || iwire !== WireType.LengthDelimited) return false;
            scope = ir.string();
            return true;
          });
        } else if (sno === 2 && swire === WireType.LengthDelimited) raw.push(sr.bytes());
        else return false;
        return true;
      });
      for (const s of raw) spans.push(span(new BinaryReader(s), service, scope));
    }
    return true;
  });
  return spans;
}

/**
 * A stand-in OpenTelemetry collector for tests: accepts OTLP/HTTP protobuf on POST /v1/traces and
 * keeps the spans in memory. Tests in other processes (Jest workers; the receiver runs in the
 * global setup) read them with GET /__spans?traceId=… (or ?service=…), JSON `{ spans }`.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Export requests refused (not protobuf, undecodable, too large): a test can assert none. */
  rejected = 0;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.writeHead(500).end()));
  }

  /** On a free port, or on `port` (a mesh started for end-to-end tests is given a fixed endpoint). */
  static async start(port = 0): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(port, '127.0.0.1', resolve);
    });
    return receiver;
  }

  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  spansOf(filter: { traceId?: string; service?: string }): ReceivedSpan[] {
    return this.spans.filter((s) => (filter.traceId === undefined || s.traceId === filter.traceId) && (filter.service === undefined || s.service === filter.service));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET' && url.pathname === '/__spans') {
      const traceId = url.searchParams.get('traceId') ?? undefined;
      const service = url.searchParams.get('service') ?? undefined;
      const spans = this.spansOf({ ...(traceId ? { traceId } : {}), ...(service ? { service } : {}) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans, rejected: this.rejected }));
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/traces') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${req.method} ${url.pathname}`);
      return;
    }
    const refuse = (status: number, message: string) => {
      this.rejected++;
      res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(message);
    };
    if (req.headers['content-type']?.split(';')[0]?.trim() !== 'application/x-protobuf') {
      refuse(415, 'OTLP/HTTP protobuf only (content-type application/x-protobuf)');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).byteLength;
      if (size > OTLP_RECEIVER_MAX_BODY_BYTES) {
        refuse(413, `export request over ${OTLP_RECEIVER_MAX_BODY_BYTES} bytes`);
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let spans: ReceivedSpan[];
    try {
      spans = decodeExportTraceRequest(Buffer.concat(chunks));
    } catch (error) {
      refuse(400, `not an ExportTraceServiceRequest: ${(error as Error).message}`);
      return;
    }
    this.spans.push(...spans);
    // An empty ExportTraceServiceResponse (no partial_success): everything was accepted.
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  }
}
