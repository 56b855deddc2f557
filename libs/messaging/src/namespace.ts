import type { ConsumerDefinition, KvBucketDefinition, StreamDefinition } from '@af/contracts';

const PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/**
 * An optional isolation prefix for everything this process puts on NATS: subjects
 * (`<ns>.af.v1.…`), stream names (`<ns>_AF_RUNS`) and KV buckets (`<ns>_af_…`). Empty in
 * production: the wire contracts are exactly the names in @af/contracts. Integration tests set
 * AF_NAMESPACE per test run so they never meet a running mesh or each other.
 */
export class Namespace {
  constructor(readonly value: string) {
    if (value !== '' && !PATTERN.test(value)) throw new Error(`invalid AF_NAMESPACE "${value}": expected ${PATTERN}`);
  }

  subject(subject: string): string {
    return this.value ? `${this.value}.${subject}` : subject;
  }

  /** The contract subject of a namespaced wire subject. */
  strip(subject: string): string {
    return this.value && subject.startsWith(`${this.value}.`) ? subject.slice(this.value.length + 1) : subject;
  }

  streamName(name: string): string {
    return this.value ? `${this.value}_${name}` : name;
  }

  stream(def: StreamDefinition): StreamDefinition {
    return { ...def, name: this.streamName(def.name), subjects: def.subjects.map((s) => this.subject(s)) as StreamDefinition['subjects'] };
  }

  consumer(def: ConsumerDefinition): ConsumerDefinition & { streamName: string } {
    return { ...def, streamName: this.streamName(def.stream), filterSubject: this.subject(def.filterSubject) };
  }

  bucket(def: KvBucketDefinition): KvBucketDefinition {
    return this.value ? { ...def, bucket: `${this.value}_${def.bucket}` } : def;
  }
}

let current: Namespace | undefined;

/** The process's namespace, read once from AF_NAMESPACE (validated with the rest of the config at boot). */
export function processNamespace(): Namespace {
  current ??= new Namespace(process.env['AF_NAMESPACE'] ?? '');
  return current;
}
