export { serviceConfigSpec } from './service.config.js';
export { HttpErrorFilter, errorBody } from './http-error.filter.js';
export { bootstrapService, runService, type BootstrapOptions, type RunningService } from './bootstrap.js';
export { installHttpContext } from './http-context.js';
export { startTestService, connectTestClient, httpUrl } from './testing.js';
export { PeriodicTask } from './periodic-task.js';
