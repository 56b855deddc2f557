import { Cron } from 'croner';
import { canonicalJson } from './canonical-json.js';
import type { JsonValue } from './json-value.js';
import { DNS_LABEL, isSecretName } from './names.js';

/**
 * `spec.triggers`: what starts an agent's runs besides the API. The one place of their rules:
 * validation reports the problems, the triggers service registers only what passes them (the
 * compiler keeps `spec.triggers` as written, so artifact hashes do not change).
 *
 * - Every trigger has an `id`: a DNS label unique among the blueprint's triggers. When absent it
 *   is `<type>-<index>` (the index in `spec.triggers`, from 0), so `{type: webhook}` at index 2
 *   is `webhook-2` — stable as long as the list's order is; name it to keep it stable across edits
 *   (a webhook's URL contains it).
 * - `schedule {cron, timezone?, input?}`: a cron expression as croner reads it (5 fields, or 6
 *   with seconds first; `@daily`-style nicknames), `timezone` an IANA name (default `UTC`).
 * - `event {subject, input?}`: a NATS subject pattern relative to the tenant's namespace
 *   `af.v1.ext.<tenant>.`: tokens of [A-Za-z0-9_-], `*` for one token, `>` last for the rest; it
 *   may not start with `af`.
 * - `webhook {secret}`: the name of a secret in the secrets service (HMAC key of the signature).
 * - `api`: the default way (no registration).
 * `input` (schedule, event): a JSON object, at most MAX_TRIGGER_INPUT_BYTES canonical.
 */

export const TRIGGER_TYPES = ['api', 'schedule', 'event', 'webhook'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const MAX_TRIGGERS = 32;
export const MAX_CRON_LENGTH = 128;
export const MAX_EVENT_SUBJECT_LENGTH = 200;
export const MAX_EVENT_SUBJECT_TOKENS = 16;
export const MAX_TRIGGER_INPUT_BYTES = 16_384;
export const DEFAULT_TRIGGER_TIMEZONE = 'UTC';
/** One token of an event subject pattern (besides `*` and `>`). */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export type TriggerProblemCode =
  | 'TRIGGERS_INVALID'
  | 'TRIGGERS_TOO_MANY'
  | 'TRIGGER_INVALID'
  | 'TRIGGER_ID_INVALID'
  | 'TRIGGER_ID_DUPLICATE'
  | 'TRIGGER_CRON_INVALID'
  | 'TRIGGER_TIMEZONE_INVALID'
  | 'TRIGGER_SUBJECT_INVALID'
  | 'TRIGGER_SECRET_INVALID'
  | 'TRIGGER_INPUT_INVALID';

/** One problem of `spec.triggers`, at a JSON Pointer into the blueprint. */
export interface TriggerProblem {
  code: TriggerProblemCode;
  path: string;
  message: string;
}

export type TriggerInput = { [key: string]: JsonValue };

export type NormalizedTrigger =
  | { id: string; type: 'api' }
  | { id: string; type: 'schedule'; cron: string; timezone: string; input: TriggerInput | null }
  | { id: string; type: 'event'; subject: string; input: TriggerInput | null }
  | { id: string; type: 'webhook'; secret: string };

export interface CheckedTriggers {
  /** The triggers with ids and defaults filled in: only when there is no problem. */
  triggers: NormalizedTrigger[] | null;
  problems: TriggerProblem[];
}

const BASE = '/spec/triggers';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The default id of a trigger without one. */
export function defaultTriggerId(type: string, index: number): string {
  return `${type}-${index}`;
}

/** A cron problem in words, or null when croner reads it. */
export function cronProblem(cron: unknown): string | null {
  if (typeof cron !== 'string' || cron.trim() === '' || cron.length > MAX_CRON_LENGTH) return `must be a cron expression of at most ${MAX_CRON_LENGTH} characters`;
  try {
    new Cron(cron, { paused: true });
    return null;
  } catch (error) {
    return `is not a cron expression: ${(error as Error).message}`;
  }
}

export function isTimezone(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A problem of an event subject pattern in words, or null when it is one. */
export function eventSubjectProblem(subject: unknown): string | null {
  if (typeof subject !== 'string' || subject === '' || subject.length > MAX_EVENT_SUBJECT_LENGTH) return `must be a subject pattern of at most ${MAX_EVENT_SUBJECT_LENGTH} characters`;
  const tokens = subject.split('.');
  if (tokens.length > MAX_EVENT_SUBJECT_TOKENS) return `has more than ${MAX_EVENT_SUBJECT_TOKENS} tokens`;
  if (tokens[0] === 'af') return 'may not start with "af" (it is relative to the tenant namespace af.v1.ext.<tenant>.)';
  for (const [i, token] of tokens.entries()) {
    if (token === '*') continue;
    if (token === '>') {
      if (i !== tokens.length - 1) return '">" may only be the last token';
      continue;
    }
    if (!SUBJECT_TOKEN.test(token)) return `token ${JSON.stringify(token)} must be "*", ">" or letters, digits, "_" and "-"`;
  }
  return null;
}

/** Whether a concrete subject (tokens relative to the tenant namespace) matches a pattern, as NATS matches. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** The next tick of a schedule strictly after `after` (null when the expression never fires again). */
export function nextTick(cron: string, timezone: string, after: Date): Date | null {
  return new Cron(cron, { paused: true, timezone }).nextRun(after);
}

/**
 * The rules of `spec.triggers` (undefined = none). Returns every problem found, and the
 * normalized triggers (ids and defaults filled in) when there is none.
 */
export function checkTriggers(raw: unknown): CheckedTriggers {
  const problems: TriggerProblem[] = [];
  if (raw === undefined || raw === null) return { triggers: [], problems };
  if (!Array.isArray(raw)) return { triggers: null, problems: [{ code: 'TRIGGERS_INVALID', path: BASE, message: `${BASE} must be an array` }] };
  if (raw.length > MAX_TRIGGERS) problems.push({ code: 'TRIGGERS_TOO_MANY', path: BASE, message: `${BASE} may list at most ${MAX_TRIGGERS} triggers` });
  const triggers: NormalizedTrigger[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, index) => {
    const path = `${BASE}/${index}`;
    const problem = (code: TriggerProblemCode, at: string, message: string) => problems.push({ code, path: at, message: `${at} ${message}` });
    if (!isObject(entry) || !(TRIGGER_TYPES as readonly unknown[]).includes(entry['type'])) {
      problem('TRIGGER_INVALID', path, `must be an object whose type is one of ${TRIGGER_TYPES.join(', ')}`);
      return;
    }
    const type = entry['type'] as TriggerType;
    const id = entry['id'] === undefined ? defaultTriggerId(type, index) : entry['id'];
    if (typeof id !== 'string' || !DNS_LABEL.test(id)) {
      problem('TRIGGER_ID_INVALID', `${path}/id`, 'must be a DNS label (lower-case letters, digits and "-", at most 63)');
      return;
    }
    const first = seen.get(id);
    if (first !== undefined) problem('TRIGGER_ID_DUPLICATE', `${path}/id`, `repeats the id ${JSON.stringify(id)} of ${BASE}/${first}${entry['id'] === undefined ? ' (the default id of an unnamed trigger: name one of them)' : ''}`);
    else seen.set(id, index);
    const input = inputOf(entry, path, problem);
    switch (type) {
      case 'api':
        triggers.push({ id, type });
        return;
      case 'schedule': {
        const cronWhy = cronProblem(entry['cron']);
        if (cronWhy) problem('TRIGGER_CRON_INVALID', `${path}/cron`, cronWhy);
        const timezone = entry['timezone'] ?? DEFAULT_TRIGGER_TIMEZONE;
        if (!isTimezone(timezone)) problem('TRIGGER_TIMEZONE_INVALID', `${path}/timezone`, 'must be an IANA time zone name such as "Europe/Berlin"');
        triggers.push({ id, type, cron: String(entry['cron']), timezone: String(timezone), input });
        return;
      }
      case 'event': {
        const why = eventSubjectProblem(entry['subject']);
        if (why) problem('TRIGGER_SUBJECT_INVALID', `${path}/subject`, why);
        triggers.push({ id, type, subject: String(entry['subject']), input });
        return;
      }
      case 'webhook':
        if (!isSecretName(entry['secret'])) problem('TRIGGER_SECRET_INVALID', `${path}/secret`, 'must name a secret of the secrets service (letters, digits, "_", "-", "."; starts with a letter; at most 128)');
        triggers.push({ id, type, secret: String(entry['secret']) });
        return;
    }
  });
  return { triggers: problems.length === 0 ? triggers : null, problems };
}

function inputOf(entry: Obj, path: string, problem: (code: TriggerProblemCode, at: string, message: string) => void): TriggerInput | null {
  const input = entry['input'];
  if (input === undefined) return null;
  if (!isObject(input)) {
    problem('TRIGGER_INPUT_INVALID', `${path}/input`, 'must be a JSON object');
    return null;
  }
  let bytes: number;
  try {
    bytes = Buffer.byteLength(canonicalJson(input as JsonValue), 'utf8');
  } catch {
    problem('TRIGGER_INPUT_INVALID', `${path}/input`, 'must be JSON');
    return null;
  }
  if (bytes > MAX_TRIGGER_INPUT_BYTES) problem('TRIGGER_INPUT_INVALID', `${path}/input`, `must be at most ${MAX_TRIGGER_INPUT_BYTES} bytes of JSON`);
  return input as TriggerInput;
}
