import type { EpisodeOutcome, JsonValue } from '../persistence/episode.entity.js';

const MAX_VALUE_CHARS = 200;
const MAX_SUMMARY_CHARS = 4_000;

export interface SummaryInput {
  agent: string;
  version: number;
  outcome: EpisodeOutcome;
  input: JsonValue | null;
  output: JsonValue | null;
  error: { code: string; message: string } | null;
}

/**
 * A plain-text account of a run for full-text search and for people: who ran, how it ended,
 * and the leaf values of its input and output as `path: value` pairs.
 */
export function summarizeEpisode(e: SummaryInput): string {
  const who = `${e.agent || 'unknown agent'} v${e.version}`;
  const how = e.outcome === 'succeeded' ? 'succeeded' : `${e.outcome}${e.error ? ` (${e.error.code}: ${clip(e.error.message)})` : ''}`;
  const parts = [`${who} ${how}.`];
  const input = flatten(e.input);
  if (input) parts.push(`Input: ${input}.`);
  const output = flatten(e.output);
  if (output) parts.push(`Output: ${output}.`);
  const text = parts.join(' ');
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}

function flatten(value: JsonValue | null): string {
  const pairs: string[] = [];
  const walk = (v: JsonValue, path: string) => {
    if (pairs.length >= 50) return;
    if (v === null) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) walk(item, path ? `${path}.${key}` : key);
    } else {
      pairs.push(path ? `${path}: ${clip(String(v))}` : clip(String(v)));
    }
  };
  if (value !== null) walk(value, '');
  return pairs.join('; ');
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS - 1)}…` : oneLine;
}
