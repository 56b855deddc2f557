export { natsConfigSpec } from './nats.config.js';
export { NATS_CONNECTION, JETSTREAM_CLIENT, JETSTREAM_MANAGER, MESSAGING_OPTIONS } from './tokens.js';
export { encode, decode } from './codec.js';
export { MessageContext, type MessageContextData } from './message-context.js';
export { ensureStream, ensureConsumer, ensureKvBucket, streamConfigOf, consumerConfigOf } from './provision.js';
export { MessageBus, type SendOptions, type PublishOptions } from './message-bus.js';
export { JetStreamServer, type JetStreamServerOptions } from './jetstream.server.js';
export { NatsModule, KvBuckets, NatsReadinessProbe, HeartbeatPublisher, connectNats, provisionFor } from './nats.module.js';
export type { MessagingOptions } from './messaging.options.js';
