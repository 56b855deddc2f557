export { createAfClient, authHeaders, type AfClient, type AfClientOptions, type paths, type components, type operations } from './client.js';
export { ApiError, apiErrorFrom, unreachable, type ApiErrorBody } from './errors.js';
export { followRun, type FollowRunOptions, type RunStreamEvent } from './events.js';
export { locateYamlPath, pointerSegments, type SourcePosition } from './yaml-locate.js';
