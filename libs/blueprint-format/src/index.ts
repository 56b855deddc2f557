// The one implementation of every rule of the blueprint format (canonical JSON and content hash,
// names, JsonValue, the builtin catalogue, the template grammar, the JSON Schema dialect).
// Validation, compilation, the worker and the blueprints service all use it.
export type { JsonValue } from './json-value.js';
export { canonicalJson, contentHashOf, loneSurrogatePath, sha256 } from './canonical-json.js';
export { ALLOWED_HOST, DNS_LABEL, DNS_LABEL_MAX, SECRET_NAME, SECRET_VALUE_MAX_BYTES, TOOL_NAME, VARIABLE_NAME, isDnsLabel, isSecretName, normalizeHost, toDnsLabel } from './names.js';
export { BUILTINS, BUILTIN_NAMES, SCOPES, builtinSpec, isBuiltinName, isScope, scopeRank, type BuiltinName, type BuiltinSpec, type Scope } from './builtins.js';
export { MAX_TEMPLATE_PROBLEMS, scanTemplate, type TemplateProblem, type TemplateReference, type TemplateScan } from './templates.js';
export {
  DRAFT_07,
  DRAFT_2020_12,
  JsonSchemaCompiler,
  type CheckedSchema,
  type CompiledSchema,
  type JsonSchemaCompilerOptions,
  type SchemaProblem,
  type SchemaProblemCode,
} from './json-schema.js';
export { compileUserPattern, re2RegExp, unsupportedPatternReason, userPatterns } from './user-patterns.js';
export {
  AUTONOMY_LEVELS,
  decideAction,
  decideConfidence,
  effectiveScope,
  isAutonomyLevel,
  ruleKind,
  type ActionDecision,
  type ActionPolicy,
  type ActionRequest,
  type ActionTool,
  type AutonomyLevel,
  type ConfidenceDecision,
  type PolicyDecision,
} from './policy.js';
export { isRealWorldAgent, type ScopedAgent } from './real-world.js';
export {
  FORBIDDEN_CREDENTIAL_HEADERS,
  HTTP_TOKEN,
  MAX_CREDENTIALS,
  MAX_CREDENTIAL_HEADERS,
  MAX_CREDENTIAL_HOSTS,
  MAX_CREDENTIAL_PREFIX,
  checkCredentials,
  credentialHeadersFor,
  hostCovered,
  hostMatches,
  type NetworkCredential,
  type NetworkProblem,
  type NetworkProblemCode,
} from './network.js';
export {
  DEFAULT_TRIGGER_TIMEZONE,
  MAX_TRIGGERS,
  MAX_TRIGGER_INPUT_BYTES,
  TRIGGER_TYPES,
  checkTriggers,
  cronProblem,
  defaultTriggerId,
  eventSubjectProblem,
  isTimezone,
  nextTick,
  subjectMatches,
  type CheckedTriggers,
  type NormalizedTrigger,
  type TriggerInput,
  type TriggerProblem,
  type TriggerProblemCode,
  type TriggerType,
} from './triggers.js';
export {
  EVAL_EXPECT_LIMITS,
  EVAL_PREDICATE_OPS,
  checkEvalExpectation,
  checkExpectation,
  parseEvalPath,
  type EvalExpectationProblem,
  type EvalPredicate,
  type EvalPredicateOp,
} from './evals.js';
