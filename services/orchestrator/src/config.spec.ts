import { describe, expect, it } from '@jest/globals';
import { ORCHESTRATOR_NATS_MAX_IN_FLIGHT, loadOrchestratorConfig } from './config.js';

describe(loadOrchestratorConfig.name, () => {
  it('bounds the NATS requests it handles at once above the shared default: it answers every worker run\'s step journal', () => {
    const sut = loadOrchestratorConfig({});
    expect(sut.backPressure.natsMaxInFlight).toBe(ORCHESTRATOR_NATS_MAX_IN_FLIGHT);
    // One worker at WORKER_RUN_CONCURRENCY's maximum (1 000) and a gateway's 256 requests fit.
    expect(ORCHESTRATOR_NATS_MAX_IN_FLIGHT).toBeGreaterThanOrEqual(1_000 + 256);
    // The HTTP bound and the Retry-After stay the shared ones (256, 1 s).
    expect(sut.backPressure.httpMaxInFlight).toBe(256);
    expect(sut.backPressure.retryAfterSec).toBe(1);
  });

  it('takes NATS_MAX_REQUESTS_IN_FLIGHT as before', () => {
    expect(loadOrchestratorConfig({ NATS_MAX_REQUESTS_IN_FLIGHT: '300' }).backPressure.natsMaxInFlight).toBe(300);
    expect(() => loadOrchestratorConfig({ NATS_MAX_REQUESTS_IN_FLIGHT: '0' })).toThrow(/NATS_MAX_REQUESTS_IN_FLIGHT/);
  });

  it('records 32 run events at once (above the contract\'s 8) unless ORCHESTRATOR_RUN_EVENTS_CONCURRENCY says otherwise', () => {
    expect(loadOrchestratorConfig({}).runs.eventsConcurrency).toBe(32);
    expect(loadOrchestratorConfig({ ORCHESTRATOR_RUN_EVENTS_CONCURRENCY: '8' }).runs.eventsConcurrency).toBe(8);
  });
});
