// The one implementation of every rule of the blueprint format (canonical JSON and content hash,
// names, JsonValue, the builtin catalogue, the template grammar, the JSON Schema dialect).
// Validation, compilation, the worker and the blueprints service all use it.
export {};
