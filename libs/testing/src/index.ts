export { serviceSpecs, serviceUrl, tcpReachable, MissingServiceError, type ServiceKind, type ServiceSpec } from './services.js';
export { locateServices, type LocatedService } from './locate.js';
export { containerRuntimeAvailable } from './containers.js';
export { testTenant, uniqueName } from './ids.js';
export { dropSchema, deleteRedisKeys, until } from './cleanup.js';
export { newTestNamespace, deleteNamespace } from './namespace.js';
export { nearValidBlueprint, mutatedBlueprint, mutation, applyMutation } from './blueprint-arbitraries.js';
export { leadQualifier, SCORE_LEAD_CODE, type LeadQualifierOptions } from './blueprints.js';
export { startServiceProcess, freePort, type ServiceProcess } from './service-process.js';
