import { describe, expect, it } from '@jest/globals';
import { MetricsRegistry } from './metrics.js';

describe(MetricsRegistry.name, () => {
  it('serves Node defaults, the shared metrics and a service metric, labelled with the service', async () => {
    const sut = new MetricsRegistry('blueprints');
    sut.counter('af_blueprint_versions_total', 'versions stored', ['outcome']).inc({ outcome: 'created' });
    sut.messagesHandled.inc({ subject: 'af.v1.blueprints.create', outcome: 'ok' });
    const text = await sut.text();
    expect(sut.contentType).toMatch(/^text\/plain/);
    expect(text).toContain('af_process_cpu_user_seconds_total');
    expect(text).toContain('af_blueprint_versions_total{outcome="created",service="blueprints"} 1');
    expect(text).toContain('af_messages_handled_total{subject="af.v1.blueprints.create",outcome="ok",service="blueprints"} 1');
  });
});
