import { nanos } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type ConsumerConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ConsumerDefinition, KvBucketDefinition, StreamDefinition } from '@af/contracts';

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

export function streamConfigOf(def: StreamDefinition): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    subjects: [...def.subjects],
    retention: def.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(def.duplicateWindowMs),
    max_age: nanos(def.maxAgeMs),
    num_replicas: def.replicas,
  };
}

export function consumerConfigOf(def: ConsumerDefinition): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: def.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: def.filterSubject,
    ack_wait: nanos(def.ackWaitMs),
    max_deliver: def.maxDeliver,
    max_ack_pending: def.maxAckPending,
  };
}

/** Creates the stream or brings its config to the definition. Safe to run from every instance at boot. */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition): Promise<'created' | 'updated' | 'unchanged'> {
  const wanted = streamConfigOf(def);
  try {
    const info = await jsm.streams.info(def.name);
    const current = info.config;
    const same =
      JSON.stringify([...current.subjects].sort()) === JSON.stringify([...(wanted.subjects ?? [])].sort()) &&
      current.duplicate_window === wanted.duplicate_window &&
      current.max_age === wanted.max_age;
    if (same) return 'unchanged';
    await jsm.streams.update(def.name, { subjects: wanted.subjects, duplicate_window: wanted.duplicate_window, max_age: wanted.max_age });
    return 'updated';
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add(wanted);
      return 'created';
    } catch (addError) {
      // Another instance created it between our info and add: fine if it now exists.
      await jsm.streams.info(def.name).catch(() => {
        throw addError;
      });
      return 'unchanged';
    }
  }
}

export async function ensureConsumer(jsm: JetStreamManager, def: ConsumerDefinition & { streamName?: string }): Promise<'created' | 'updated'> {
  const wanted = consumerConfigOf(def);
  const stream = def.streamName ?? def.stream;
  try {
    await jsm.consumers.info(stream, def.durable);
    await jsm.consumers.update(stream, def.durable, {
      ack_wait: wanted.ack_wait,
      max_deliver: wanted.max_deliver,
      max_ack_pending: wanted.max_ack_pending,
    });
    return 'updated';
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(stream, wanted);
    return 'created';
  }
}

export async function ensureKvBucket(nc: NatsConnection, def: KvBucketDefinition): Promise<KV> {
  const kvm = new Kvm(nc);
  return kvm.create(def.bucket, { history: def.history, storage: StorageType.File, description: def.description });
}
