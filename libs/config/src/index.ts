export { env, ConfigVarError, type VarSpec, type ConfigSpec, type ConfigOf } from './spec.js';
export { loadConfig, describeConfig, ConfigError, type ConfigProblem } from './load.js';
export { redactUrl } from './redact.js';
