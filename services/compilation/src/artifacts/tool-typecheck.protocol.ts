import type { ToolSource, TypeProblem } from './tool-typecheck.js';

/** What the pool sends a type-check worker: one blueprint's tools. */
export interface TypeCheckJob {
  id: number;
  tools: ToolSource[];
}

/** What a type-check worker answers (`ready` once after warm-up, with id 0). */
export type TypeCheckReply =
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'checking'; index: number }
  | { id: number; kind: 'done'; problems: [number, TypeProblem[]][] }
  | { id: number; kind: 'failed'; message: string };
