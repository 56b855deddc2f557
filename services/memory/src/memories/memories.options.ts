export const MEMORIES_OPTIONS = Symbol.for('af.memory.memoriesOptions');

export interface MemoriesOptions {
  workingTtlSeconds: number;
  workingMaxMessages: number;
  retentionDays: number;
  retentionOverrides: ReadonlyMap<string, number>;
  retentionIntervalMs: number;
  embeddingsUrl: string;
  embeddingsModel: string;
  embeddingsApiKey: string;
  embeddingsDimensions: number;
}
