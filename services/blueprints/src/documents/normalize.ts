export const DEFAULT_INDUSTRY_PROFILE = 'RealEstate';
export const DEFAULT_AUTONOMY_LEVEL = 'supervised';
export const DEFAULT_MAX_ALLOWED_SCOPE = 'external';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The stored form of a blueprint: defaults made explicit, so two documents that mean the same
 * thing hash the same. Only fills what is absent; a wrong shape is left for validation to name.
 */
export function normalizeBlueprint(document: Obj): Obj {
  const out = structuredClone(document);
  const spec = out['spec'];
  if (!isObject(spec)) return out;
  if (spec['industryProfile'] === undefined) spec['industryProfile'] = DEFAULT_INDUSTRY_PROFILE;
  if (spec['governance'] === undefined) spec['governance'] = {};
  if (isObject(spec['governance']) && spec['governance']['autonomyLevel'] === undefined) spec['governance']['autonomyLevel'] = DEFAULT_AUTONOMY_LEVEL;
  if (spec['triggers'] === undefined) spec['triggers'] = [{ type: 'api' }];
  if (spec['actions'] === undefined) spec['actions'] = {};
  if (isObject(spec['actions'])) {
    if (spec['actions']['maxAllowedScope'] === undefined) spec['actions']['maxAllowedScope'] = DEFAULT_MAX_ALLOWED_SCOPE;
    if (spec['actions']['requireApproval'] === undefined) spec['actions']['requireApproval'] = [];
  }
  return out;
}
