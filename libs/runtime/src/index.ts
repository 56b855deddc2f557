// Test helpers (startTestService, connectTestClient, httpUrl) are not part of this entry point:
// tests import them from @af/runtime/testing.
export { serviceConfigSpec, NATS_ENVELOPE_RESERVE_BYTES } from './service.config.js';
export { installHttpBackPressure, type BackPressureOptions } from './back-pressure.js';
export { HttpErrorFilter, errorBody } from './http-error.filter.js';
export { bootstrapService, runService, type BootstrapOptions, type RunningService } from './bootstrap.js';
export { installHttpContext } from './http-context.js';
export { PeriodicTask } from './periodic-task.js';
export { IdleHeapTrim, exposedFullGc, type IdleHeapTrimOptions } from './idle-heap-trim.js';
