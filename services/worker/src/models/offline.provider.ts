import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { canonicalJson } from '@af/blueprint-format';
import type { JsonSchema, JsonValue } from '../artifacts/artifact.js';
import { estimateTokens, type ChatMessage, type CompletionRequest, type CompletionResult, type ModelProvider, type ToolCallRequest, type ToolDefinition } from './model-provider.js';
import { SeededChoice, defaultFor, synthesize } from './output-synthesizer.js';

type Obj = Record<string, JsonValue>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The `offline` provider: deterministic, no network, cost 0. First turn: calls every tool once,
 * arguments from the input (same name), else prompt variables, else a default of the type.
 * Second turn: the final output — fields from tool results and input of the same name, the rest
 * synthesized from the schema, seeded by a hash of the input (same input → same output).
 * Each tool call states a reason (the tool's description); the final answer states a confidence:
 * `offlineConfidence` from the input, else from the prompt variables, else 1 — so a test
 * blueprint produces a low-confidence answer deterministically (a variable `offlineConfidence: 0.2`).
 */
@Injectable()
export class OfflineModelProvider implements ModelProvider {
  readonly name = 'offline';

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const inputTokens = estimateTokens(request.messages.map((m) => m.content).join('\n')) + estimateTokens(JSON.stringify(request.tools));
    const toolResults = request.messages.filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool');
    if (request.tools.length > 0 && toolResults.length === 0) {
      const toolCalls = request.tools.map((tool, i) => ({ id: `call_${i}`, tool: tool.name, arguments: argumentsFor(tool, request.context), reason: reasonFor(tool) }) satisfies ToolCallRequest);
      return { kind: 'tool_calls', toolCalls, usage: { inputTokens, outputTokens: estimateTokens(JSON.stringify(toolCalls)) }, costUsd: 0 };
    }
    const results = toolResults.map((m) => parse(m.content));
    const seed = createHash('sha256').update(canonicalJson(request.context.input ?? null)).digest('hex');
    const schema: JsonSchema = request.outputSchema ?? { type: 'object' };
    // What the run remembers comes after its tool results and input (see memory/memory-access.ts memorySources).
    const output = synthesize(schema, [...results, request.context.input, ...(request.context.memory ?? [])], new SeededChoice(seed));
    // The answer's JSON in a few pieces, so token streaming is visible offline too.
    if (request.onToken) for (const piece of pieces(JSON.stringify(output), 3)) request.onToken(piece);
    return { kind: 'final', output, confidence: confidenceOf(request.context), usage: { inputTokens, outputTokens: estimateTokens(JSON.stringify(output)) }, costUsd: 0 };
  }
}

/** The reason the offline model states for calling a tool: its description (what it is for). */
export function reasonFor(tool: ToolDefinition): string {
  return tool.description ? `the task calls for ${tool.name} (${tool.description})` : `the task calls for ${tool.name}`;
}

/** `offlineConfidence` (a number in [0, 1]) from the input, else the prompt variables; else 1. */
export function confidenceOf(context: CompletionRequest['context']): number {
  const input = isObject(context.input) ? context.input : {};
  const stated = [input['offlineConfidence'], context.variables['offlineConfidence']].find((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return stated === undefined ? 1 : Math.min(1, Math.max(0, stated));
}

/** A text in `n` pieces (fewer when it is shorter). */
function pieces(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function parse(json: string): JsonValue {
  try {
    return JSON.parse(json) as JsonValue;
  } catch {
    return null;
  }
}

/** Arguments for a tool from its input schema's properties. */
export function argumentsFor(tool: ToolDefinition, context: CompletionRequest['context']): JsonValue {
  const properties = isObject(tool.inputSchema['properties']) ? (tool.inputSchema['properties'] as Obj) : {};
  const required = new Set(Array.isArray(tool.inputSchema['required']) ? (tool.inputSchema['required'] as string[]) : []);
  const input = isObject(context.input) ? context.input : {};
  const args: Obj = {};
  for (const name of Object.keys(properties)) {
    if (Object.hasOwn(input, name)) args[name] = input[name] as JsonValue;
    else if (Object.hasOwn(context.variables, name)) args[name] = context.variables[name] as JsonValue;
    else if (required.has(name)) args[name] = defaultFor(properties[name]);
  }
  return args;
}
