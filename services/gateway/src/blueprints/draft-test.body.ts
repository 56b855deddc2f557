import { AppError } from '@af/errors';
import { YAML_TYPES } from '../http/body-parsers.js';
import { isPlainObject } from '../http/input.js';

/** What af.v1.deployments.evals.draft is asked: the draft as text, its format, the ad-hoc input ('' = none). */
export interface DraftTest {
  source: string;
  format: 'yaml' | 'json';
  inputJson: string;
}

/**
 * The body of POST /v1/blueprints/{name}/test: `{ "blueprint": <YAML text or a JSON object>,
 * "input"?: {…} }` as application/json, or the draft itself as YAML (no ad-hoc input). The
 * draft's own limits are the blueprints service's (it parses it exactly as saving would).
 */
export function parseDraftTest(body: unknown, contentType: string | undefined): DraftTest {
  const type = String(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (YAML_TYPES.includes(type)) {
    if (typeof body !== 'string' || body.trim() === '') throw AppError.invalid('the request body is empty: send the draft as YAML', '');
    return { source: body, format: 'yaml', inputJson: '' };
  }
  if (!isPlainObject(body)) throw AppError.invalid('send {"blueprint": <YAML text or JSON object>, "input": {…}} as application/json, or the draft as application/yaml', '');
  const blueprint = body['blueprint'];
  let draft: Pick<DraftTest, 'source' | 'format'>;
  if (typeof blueprint === 'string' && blueprint !== '') draft = { source: blueprint, format: 'yaml' };
  else if (isPlainObject(blueprint)) draft = { source: JSON.stringify(blueprint), format: 'json' };
  else throw AppError.invalid('blueprint is required: the draft as YAML text or as a JSON object', '/blueprint');
  const input = body['input'];
  if (input !== undefined && input !== null && !isPlainObject(input)) throw AppError.invalid('input must be a JSON object (the agent’s input), or absent', '/input');
  return { ...draft, inputJson: isPlainObject(input) ? JSON.stringify(input) : '' };
}
