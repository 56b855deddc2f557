import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { humanPath, pointer, type Findings } from './findings.js';
import { nearest } from './near-miss.js';
import { toDnsLabel } from '@af/blueprint-format';

/**
 * The published schema file (src/schema/blueprint.schema.json). The build copies it to
 * dist/schema, so `../schema/` next to this module finds it in both layouts (src/validator/*.ts
 * under Jest, dist/validator/*.js at run time); a dist built by bare `tsc -b` falls back to src.
 */
export const blueprintSchemaText = readFileSync(schemaFile(), 'utf8');
export const blueprintSchema = JSON.parse(blueprintSchemaText) as Record<string, unknown>;

function schemaFile(): URL {
  const beside = new URL('../schema/blueprint.schema.json', import.meta.url);
  return existsSync(beside) ? beside : new URL('../../src/schema/blueprint.schema.json', import.meta.url);
}

const EXACTLY_ONE = 'x-exactlyOne';

/** Compiles the published blueprint JSON Schema once; all errors, with the schema at hand (verbose). */
export function compileBlueprintSchema(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addKeyword({
    keyword: EXACTLY_ONE,
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function exactlyOne(names: string[], data: Record<string, unknown>) {
      const present = names.filter((n) => Object.hasOwn(data, n));
      if (present.length === 1) return true;
      (exactlyOne as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: EXACTLY_ONE, params: { names, present } }];
      return false;
    },
  });
  return ajv.compile(blueprintSchema);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** Maps ajv errors to findings with precise JSON Pointers, human messages and near-miss suggestions. */
export function reportSchemaErrors(errors: readonly ErrorObject[], findings: Findings): void {
  for (const error of errors) {
    const at = error.instancePath;
    const h = humanPath(at);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required': {
        const path = at + pointer(String(params['missingProperty']));
        findings.error('schema', 'SCHEMA_REQUIRED', path, `${humanPath(path)} is required`);
        break;
      }
      case 'additionalProperties': {
        const name = String(params['additionalProperty']);
        const path = at + pointer(name);
        const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        findings.error('schema', 'SCHEMA_UNKNOWN_PROPERTY', path, `${humanPath(path)} is not a known property${known.length ? ` (allowed: ${known.join(', ')})` : ''}`);
        const close = nearest(name, known);
        if (close) findings.suggest(path, `did you mean \`${close}\`?`, close);
        break;
      }
      case 'enum': {
        const allowed = (error.schema as unknown[]).map(String);
        findings.error('schema', 'SCHEMA_ENUM', at, `${h} must be one of ${allowed.join(', ')}`);
        if (typeof error.data === 'string') {
          const close = nearest(error.data, allowed);
          if (close) findings.suggest(at, `did you mean \`${close}\`?`, close);
        }
        break;
      }
      case 'const':
        findings.error('schema', 'SCHEMA_CONST', at, `${h} must be ${JSON.stringify(params['allowedValue'])}`);
        findings.suggest(at, `set ${h} to ${JSON.stringify(params['allowedValue'])}`, params['allowedValue']);
        break;
      case 'type': {
        const types = String(params['type']).split(',');
        findings.error('schema', 'SCHEMA_TYPE', at, `${h} must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`);
        break;
      }
      case 'pattern': {
        const description = (error.parentSchema as { description?: string } | undefined)?.description;
        if (error.propertyName !== undefined) {
          const path = at + pointer(error.propertyName);
          findings.error('schema', 'SCHEMA_PROPERTY_NAME', path, `${humanPath(path)}: the key "${error.propertyName}" must match ${String(params['pattern'])}`);
        } else {
          const value = typeof error.data === 'string' ? ` "${truncate(error.data)}"` : '';
          findings.error('schema', 'SCHEMA_PATTERN', at, `${h}${value} must match ${String(params['pattern'])}${description ? ` (${description})` : ''}`);
          if (at === '/metadata/name' && typeof error.data === 'string') {
            const label = toDnsLabel(error.data);
            if (label) findings.suggest(at, `use a DNS label such as \`${label}\``, label);
          }
        }
        break;
      }
      case 'minLength':
        findings.error('schema', 'SCHEMA_LENGTH', at, Number(params['limit']) === 1 ? `${h} must not be empty` : `${h} must be at least ${String(params['limit'])} characters`);
        break;
      case 'maxLength':
        findings.error('schema', 'SCHEMA_LENGTH', at, `${h} must be at most ${String(params['limit'])} characters`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        findings.error('schema', 'SCHEMA_RANGE', at, `${h} must be ${String(params['comparison'])} ${String(params['limit'])}`);
        break;
      case 'minItems':
        findings.error('schema', 'SCHEMA_ITEMS', at, `${h} must have at least ${String(params['limit'])} item(s)`);
        break;
      case 'maxItems':
        findings.error('schema', 'SCHEMA_ITEMS', at, `${h} must have at most ${String(params['limit'])} items`);
        break;
      case 'maxProperties':
        findings.error('schema', 'SCHEMA_PROPERTIES', at, `${h} must have at most ${String(params['limit'])} entries`);
        break;
      case 'minProperties':
        findings.error('schema', 'SCHEMA_PROPERTIES', at, `${h} must have at least ${String(params['limit'])} entr${Number(params['limit']) === 1 ? 'y' : 'ies'}`);
        break;
      case EXACTLY_ONE: {
        const names = params['names'] as string[];
        const present = params['present'] as string[];
        findings.error(
          'schema',
          'SCHEMA_EXACTLY_ONE',
          at,
          present.length === 0 ? `${h} must define exactly one of ${names.join(' or ')} (neither is set)` : `${h} must define exactly one of ${names.join(' or ')} (both are set)`,
        );
        break;
      }
      case 'if':
      case 'propertyNames':
        // Summaries of errors reported on their own.
        break;
      default:
        findings.error('schema', 'SCHEMA_INVALID', at, `${h} ${error.message ?? 'is invalid'}`);
    }
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
