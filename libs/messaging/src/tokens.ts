export const NATS_CONNECTION = Symbol.for('af.nats.connection');
export const JETSTREAM_MANAGER = Symbol.for('af.nats.jsm');
export const JETSTREAM_CLIENT = Symbol.for('af.nats.js');
export const MESSAGING_OPTIONS = Symbol.for('af.nats.options');
