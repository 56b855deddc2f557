import type { ArtifactContext } from '@af/contracts';
import type { JsonValue } from '../artifacts/artifact.js';

/**
 * Who a run is to its memory (issue 12): the agent, its access level (blueprint
 * `spec.context.accessLevel`, default self), its team (label `team`) and read-only mode
 * (`spec.context.memory.readOnly`). Sent as af.v1.MemoryScope on every memory request; the memory
 * service enforces it, the worker refuses what it already knows is refused.
 */
export interface RunMemoryAccess {
  agent: string;
  /** self | team | organization — what the memory service is asked for. */
  accessLevel: 'self' | 'team' | 'organization';
  team: string;
  readOnly: boolean;
  /**
   * Why the declared level was not granted: `crossOrganization` needs the run's requester to hold
   * CrossOrgAccess, which a run does not carry (ExecuteRun names the requester, not their
   * permissions) — the bridge refuses such calls, loading narrows to `organization` and says so.
   */
  refused?: string;
}

const LEVELS = new Set(['self', 'team', 'organization']);

export function memoryAccessOf(context: ArtifactContext | undefined, agent: string, labels: Record<string, string>): RunMemoryAccess {
  const declared = context?.accessLevel ?? 'self';
  const base = { agent, team: labels['team'] ?? '', readOnly: context?.memory?.readOnly === true };
  if (declared === 'crossOrganization') {
    return { ...base, accessLevel: 'organization', refused: 'access level crossOrganization needs the run\'s requester to hold CrossOrgAccess, which this run does not carry' };
  }
  return { ...base, accessLevel: LEVELS.has(declared) ? (declared as RunMemoryAccess['accessLevel']) : 'self' };
}

/** The af.v1.MemoryScope of a run. */
export function scopeOf(access: RunMemoryAccess): { agent: string; accessLevel: string; team: string; readOnly: boolean } {
  return { agent: access.agent, accessLevel: access.accessLevel, team: access.team, readOnly: access.readOnly };
}

/** The working-memory scope of a run: its input's `threadId`, else its `subjectId` (the user), else the run itself. */
export function workingScopeOf(input: JsonValue, runId: string): { scope: 'thread' | 'user' | 'run'; scopeId: string } {
  const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const thread = fields['threadId'];
  const subject = fields['subjectId'];
  if (typeof thread === 'string' && thread.trim() !== '') return { scope: 'thread', scopeId: thread.slice(0, 200) };
  if (typeof subject === 'string' && subject.trim() !== '') return { scope: 'user', scopeId: subject.slice(0, 200) };
  return { scope: 'run', scopeId: runId };
}

/** The input's `subjectId` ('' when none). */
export function subjectOf(input: JsonValue): string {
  const value = input !== null && typeof input === 'object' && !Array.isArray(input) ? input['subjectId'] : undefined;
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `2w`… in milliseconds (undefined when it is not such a duration). */
export function lookbackMs(lookback: string | undefined): number | undefined {
  const match = /^([1-9][0-9]{0,5})(s|m|h|d|w)$/.exec(lookback ?? '');
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : undefined;
}

/** The text of a run's input that memory is searched with: its string values (keys that name ids left out), at most `maxChars`. */
export function queryTextOf(input: JsonValue, maxChars = 500): string {
  const parts: string[] = [];
  const walk = (value: JsonValue, key: string, depth: number): void => {
    if (depth > 4) return;
    if (typeof value === 'string') {
      if (!/id$/i.test(key)) parts.push(value);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, key, depth + 1));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
  };
  walk(input, '', 0);
  return parts.join(' ').replace(/\s+/g, ' ').trim().slice(0, maxChars);
}

/** One remembered item as a run's memory step stores it. */
export interface RememberedItem {
  tier: string;
  id: string;
  content: string;
  score: number;
  subjectId: string;
  agent: string;
  source: string;
  metadata: JsonValue;
  createdAt: string;
  entities: string[];
  neighbours: string[];
}

/** The result of a run's memory step (kind `memory`, name `memory.load`): what the run saw. */
export interface Remembered {
  working?: { scope: string; scopeId: string; document: JsonValue; messages: string[]; version: number };
  items: RememberedItem[];
  /** What was not loaded and why (the memory service away, a level narrowed). */
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The "What you remember:" section of the system prompt, at most `maxBytes` (UTF-8): the working
 * document and window, then the items best first; what does not fit is left out with a note.
 */
export function renderRemembered(remembered: Remembered, maxBytes: number): string {
  const lines: string[] = [];
  if (remembered.working) {
    const doc = remembered.working.document;
    if (isObject(doc) && Object.keys(doc).length > 0) lines.push(`- working memory (${remembered.working.scope}): ${JSON.stringify(doc)}`);
    for (const message of remembered.working.messages) lines.push(`- earlier in this ${remembered.working.scope}: ${message}`);
  }
  for (const item of remembered.items) {
    const about = item.subjectId ? ` about ${item.subjectId}` : '';
    const related = item.neighbours.length > 0 ? ` (related: ${item.neighbours.slice(0, 5).join(', ')})` : '';
    lines.push(`- [${item.tier}${about}] ${item.content}${related}`);
  }
  if (lines.length === 0) return '';
  const header = 'What you remember:';
  let text = header;
  let left = 0;
  for (const [i, line] of lines.entries()) {
    if (Buffer.byteLength(`${text}\n${line}`, 'utf8') > maxBytes - 64) {
      left = lines.length - i;
      break;
    }
    text += `\n${line}`;
  }
  return left > 0 ? `${text}\n(${left} more memories left out)` : text;
}

/**
 * What the offline model may take output fields from, after tool results and the input: the
 * working document, each item's metadata (objects), and `{ remembered: [contents] }`.
 */
export function memorySources(remembered: Remembered): JsonValue[] {
  const sources: JsonValue[] = [];
  if (remembered.working && isObject(remembered.working.document)) sources.push(remembered.working.document);
  for (const item of remembered.items) if (isObject(item.metadata)) sources.push(item.metadata);
  const contents = remembered.items.map((i) => i.content);
  if (contents.length > 0) sources.push({ remembered: contents });
  return sources;
}

/** Text cut to at most `max` characters. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
