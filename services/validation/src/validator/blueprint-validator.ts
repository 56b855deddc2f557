import type { ValidateFunction } from 'ajv';
import { JsonSchemaCompiler } from '@af/blueprint-format';
import { Findings, type PolicyCaller, type Report, type Tier } from './findings.js';
import { BlueprintView } from './blueprint-view.js';
import { policyRules } from './policy-tier.js';
import { compileBlueprintSchema, reportSchemaErrors } from './schema-tier.js';
import { DEFAULT_RULE_CONTEXT, semanticRules, type RuleContext } from './semantic-tier.js';

export const MAX_DEPTH = 64;
export const MAX_NODES = 100_000;

/**
 * Validates a parsed blueprint in three tiers (schema, semantic, policy). Total: any JSON value
 * (or anything else) yields a report, never an exception; a rule that fails is reported as such.
 */
export class BlueprintValidator {
  private readonly schema: ValidateFunction = compileBlueprintSchema();
  private readonly userSchemas = new JsonSchemaCompiler();

  /** `context.modelProviders`: the configured provider names (AF_MODEL_PROVIDERS keys + offline); default only offline. */
  constructor(private readonly context: RuleContext = DEFAULT_RULE_CONTEXT) {}

  validate(document: unknown, caller: Partial<PolicyCaller> = {}): Report {
    const findings = new Findings();
    try {
      this.run(document, normalizeCaller(caller), findings);
    } catch {
      findings.error('schema', 'VALIDATOR_FAILED', '', 'the validator could not process this document');
    }
    return findings.report();
  }

  private run(document: unknown, caller: PolicyCaller, findings: Findings): void {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      findings.error('schema', 'DOCUMENT_NOT_OBJECT', '', `the document must be a JSON object, got ${kindOf(document)}`);
      return;
    }
    const size = measure(document);
    if (size.depth > MAX_DEPTH) {
      findings.error('schema', 'DOCUMENT_TOO_DEEP', '', `the document is nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (size.nodes > MAX_NODES) {
      findings.error('schema', 'DOCUMENT_TOO_LARGE', '', `the document has more than ${MAX_NODES} values`);
      return;
    }
    guarded(findings, 'schema', 'schema', () => {
      if (!this.schema(document)) reportSchemaErrors(this.schema.errors ?? [], findings);
    });
    const view = new BlueprintView(document);
    for (const [name, rule] of Object.entries(semanticRules)) guarded(findings, 'semantic', name, () => rule(view, findings, this.userSchemas, this.context));
    for (const [name, rule] of Object.entries(policyRules)) guarded(findings, 'policy', name, () => rule(view, caller, findings));
  }
}

function guarded(findings: Findings, tier: Tier, name: string, fn: () => void): void {
  try {
    fn();
  } catch {
    findings.error(tier, 'RULE_FAILED', '', `rule ${name} could not check this document`);
  }
}

function normalizeCaller(caller: Partial<PolicyCaller>): PolicyCaller {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { subject: typeof caller.subject === 'string' ? caller.subject : '', roles: strings(caller.roles), permissions: strings(caller.permissions) };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Depth and node count without recursion (a hostile document cannot blow the stack). */
export function measure(value: unknown): { depth: number; nodes: number } {
  let depth = 0;
  let nodes = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, level] = stack.pop()!;
    nodes++;
    if (level > depth) depth = level;
    if (depth > MAX_DEPTH || nodes > MAX_NODES) break;
    if (typeof current === 'object' && current !== null) {
      for (const child of Object.values(current)) stack.push([child, level + 1]);
    }
  }
  return { depth, nodes };
}
