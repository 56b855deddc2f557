/** Header names every message carries. Wire contract: never rename. */
export const Headers = {
  tenantId: 'Af-Tenant-Id',
  correlationId: 'Af-Correlation-Id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** JetStream de-duplication id. */
  msgId: 'Nats-Msg-Id',
  /** On a reply: `ok` or `error` (then the body is af.v1.ErrorReply). */
  status: 'Af-Status',
} as const;
