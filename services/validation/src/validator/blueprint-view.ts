import { SCOPES, isScope, type Scope } from '@af/blueprint-format';

export { scopeRank, type Scope } from '@af/blueprint-format';

/** Defensive reads of a document that may not match the schema: wrong shapes read as absent. */
export type Obj = Record<string, unknown>;

export function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface ToolView {
  index: number;
  name: string | undefined;
  scope: Scope | undefined;
  builtin: string | undefined;
  code: string | undefined;
  raw: Obj;
}

/** The parts of a blueprint the rules look at. */
export class BlueprintView {
  readonly root: Obj;
  readonly spec: Obj;
  readonly tools: ToolView[];

  constructor(document: unknown) {
    this.root = asObject(document) ?? {};
    this.spec = asObject(this.root['spec']) ?? {};
    this.tools = asArray(this.spec['tools']).flatMap((raw, index) => {
      const tool = asObject(raw);
      if (!tool) return [];
      const scope = isScope(tool['scope']) ? tool['scope'] : undefined;
      return [{ index, name: asString(tool['name']), scope, builtin: asString(tool['builtin']), code: asString(tool['code']), raw: tool }];
    });
  }

  section(name: string): Obj {
    return asObject(this.spec[name]) ?? {};
  }

  get autonomyLevel(): string | undefined {
    return asString(this.section('governance')['autonomyLevel']);
  }

  /** Declared maxAllowedScope, or external when absent (documented default). */
  get maxAllowedScope(): { scope: Scope; declared: boolean } {
    const declared = this.section('actions')['maxAllowedScope'];
    return isScope(declared) ? { scope: declared, declared: true } : { scope: SCOPES[1], declared: false };
  }

  /** requireApproval entries that are strings, with their index. */
  get approvals(): { index: number; name: string }[] {
    return asArray(this.section('actions')['requireApproval']).flatMap((v, index) => (typeof v === 'string' ? [{ index, name: v }] : []));
  }

  requiresApproval(toolName: string | undefined): boolean {
    return toolName !== undefined && this.approvals.some((a) => a.name === toolName);
  }
}
