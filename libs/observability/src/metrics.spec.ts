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

  it('counts and times HTTP requests by method, route template and status', async () => {
    const sut = new MetricsRegistry('gateway');
    sut.observeHttpRequest('GET', '/v1/runs/:id', 200, 0.002);
    sut.observeHttpRequest('GET', '/v1/runs/:id', 200, 0.004);
    sut.observeHttpRequest('GET', '/v1/runs/:id', 404, 0.001);
    const text = await sut.text();
    expect(text).toContain('af_http_requests_total{method="GET",route="/v1/runs/:id",status="200",service="gateway"} 2');
    expect(text).toContain('af_http_requests_total{method="GET",route="/v1/runs/:id",status="404",service="gateway"} 1');
    expect(text).toContain('af_http_request_duration_seconds_count{service="gateway",method="GET",route="/v1/runs/:id"} 3');
    expect(text).toMatch(/af_http_request_duration_seconds_sum\{service="gateway",method="GET",route="\/v1\/runs\/:id"\} 0\.007/);
  });
});
