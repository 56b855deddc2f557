import { nanos } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
  type ConsumerConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ConsumerDefinition, KvBucketDefinition, StreamDefinition } from '@af/contracts';
import { loadConfig } from '@af/config';
import { natsReplicasConfigSpec } from './nats.config.js';

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

let configured: number | undefined;

/**
 * NATS_STREAM_REPLICAS (default 1, 1..5), read once per process: every service validates it at
 * boot with the rest of its config (natsConfigSpec.streamReplicas), so a bad value never gets here.
 * It replaces the contracts' `replicas` of every stream and bucket (the single-server default).
 */
export function configuredReplicas(): number {
  configured ??= loadConfig({ replicas: natsReplicasConfigSpec() }, process.env).replicas;
  return configured;
}

/** JetStream refuses more replicas than the cluster has JetStream servers: say which setting asked for them. */
function replicaError(error: unknown, what: string, replicas: number): unknown {
  if (replicas <= 1 || !(error instanceof JetStreamApiError)) return error;
  return new Error(
    `${what} with ${replicas} replicas was refused by NATS (${error.message}): NATS_STREAM_REPLICAS=${replicas} needs a JetStream cluster of at least ${replicas} servers (1 on a single server)`,
    { cause: error },
  );
}

/**
 * A single (non-clustered) server refuses a new stream with replicas > 1, but takes an update to
 * it and keeps one copy (nats-server 2.9: the config says 3, no cluster behind it): refused here.
 */
function assertReplicable(info: StreamInfo, what: string, replicas: number): void {
  if (replicas > 1 && !info.cluster) {
    throw new Error(`${what} is on a single JetStream server, not a cluster: NATS_STREAM_REPLICAS=${replicas} needs a JetStream cluster of at least ${replicas} servers (1 on a single server)`);
  }
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

/**
 * Creates the stream or brings its config to the definition. Safe to run from every instance at boot.
 * `replicas` (default NATS_STREAM_REPLICAS) replaces the definition's: a stream whose replica count
 * differs is UPDATED in place — JetStream adds peers and copies the data to them, or drops peers —
 * so moving a mesh from one server to a cluster (or back) is a config change and a rolling restart.
 */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition, replicas = configuredReplicas()): Promise<'created' | 'updated' | 'unchanged'> {
  const wanted = streamConfigOf({ ...def, replicas });
  let current: StreamConfig;
  try {
    const info = await jsm.streams.info(def.name);
    assertReplicable(info, `stream ${def.name}`, replicas);
    current = info.config;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add(wanted);
      return 'created';
    } catch (addError) {
      // Another instance created it between our info and add: fine if it now exists.
      await jsm.streams.info(def.name).catch(() => {
        throw replicaError(addError, `stream ${def.name}`, replicas);
      });
      return 'unchanged';
    }
  }
  const same =
    JSON.stringify([...current.subjects].sort()) === JSON.stringify([...(wanted.subjects ?? [])].sort()) &&
    current.duplicate_window === wanted.duplicate_window &&
    current.max_age === wanted.max_age &&
    current.num_replicas === replicas;
  if (same) return 'unchanged';
  try {
    await jsm.streams.update(def.name, { subjects: wanted.subjects, duplicate_window: wanted.duplicate_window, max_age: wanted.max_age, num_replicas: replicas });
  } catch (error) {
    throw replicaError(error, `stream ${def.name}`, replicas);
  }
  return 'updated';
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

/**
 * Creates the bucket, or opens it and brings its replica count to `replicas` (default
 * NATS_STREAM_REPLICAS): a bucket is a stream (KV_<bucket>), updated in place like ensureStream's.
 */
export async function ensureKvBucket(nc: NatsConnection, def: KvBucketDefinition, replicas = configuredReplicas()): Promise<KV> {
  const kvm = new Kvm(nc);
  let kv: KV;
  try {
    kv = await kvm.create(def.bucket, { history: def.history, storage: StorageType.File, description: def.description, replicas });
  } catch (error) {
    throw replicaError(error, `KV bucket ${def.bucket}`, replicas);
  }
  const status = await kv.status();
  assertReplicable(status.streamInfo, `KV bucket ${def.bucket}`, replicas);
  if (status.replicas !== replicas) {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.update(status.streamInfo.config.name, { num_replicas: replicas }).catch((error: unknown) => {
      throw replicaError(error, `KV bucket ${def.bucket}`, replicas);
    });
  }
  return kv;
}
