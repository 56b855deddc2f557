import { AppError, ErrorCode } from '@af/errors';

/** Turns text into a fixed-size vector for the Neo4j vector index (cosine similarity). */
export interface Embedder {
  readonly dimensions: number;
  readonly name: string;
  embed(text: string): Promise<number[]>;
}

export const EMBEDDER = Symbol.for('af.memory.embedder');

/**
 * The offline embedder (default): feature hashing, no model, deterministic.
 * Features of the lower-cased text: every word token (weight 1) and every character 3-gram of each
 * token padded with `#` (weight 0.5, so spelling variants and inflections still overlap). Each
 * feature is hashed (FNV-1a, 32 bit) to a dimension (`hash mod dimensions`) and a sign (one more
 * bit of a second hash), summed, and the vector L2-normalised. Cosine similarity then measures
 * shared words and word fragments: a near-duplicate text ranks above a merely related one.
 */
export class HashingEmbedder implements Embedder {
  readonly name = 'hashing';

  constructor(readonly dimensions = 256) {}

  embed(text: string): Promise<number[]> {
    return Promise.resolve(this.embedSync(text));
  }

  embedSync(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      const sign = fnv1a(`~${feature}`) & 1 ? -1 : 1;
      vector[h % this.dimensions]! += sign * weight;
    };
    for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      add(`w:${token}`, 1);
      const padded = `#${token}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`, 0.5);
    }
    const norm = Math.hypot(...vector);
    if (norm === 0) {
      vector[0] = 1; // empty text: a valid unit vector (cosine is undefined for zero)
      return vector;
    }
    return vector.map((v) => v / norm);
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface OpenAiEmbedderOptions {
  /** Base URL, e.g. https://api.openai.com/v1 (POST {url}/embeddings). */
  url: string;
  model: string;
  apiKey: string;
  dimensions: number;
  timeoutMs?: number;
}

/**
 * An OpenAI-compatible embeddings endpoint (OpenAI, Azure-style proxies, Ollama, vLLM…). One POST
 * per text with a bounded wait; `dimensions` is sent and the answer's size checked (the vector
 * index has a fixed size). Plain fetch rather than the `openai` SDK: one call, no new dependency
 * in this service's lockfile entry.
 */
export class OpenAiEmbedder implements Embedder {
  readonly name = 'openai';
  readonly dimensions: number;

  constructor(private readonly options: OpenAiEmbedderOptions) {
    this.dimensions = options.dimensions;
  }

  async embed(text: string): Promise<number[]> {
    const url = `${this.options.url.replace(/\/+$/, '')}/embeddings`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({ model: this.options.model, input: text, dimensions: this.dimensions }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new AppError(ErrorCode.Unavailable, `embeddings endpoint unreachable (${(error as Error).message})`, { cause: error });
    }
    if (!response.ok) {
      const code = response.status === 429 ? ErrorCode.RateLimited : response.status >= 500 ? ErrorCode.Unavailable : ErrorCode.Internal;
      throw new AppError(code, `embeddings endpoint answered ${response.status}`);
    }
    const body = (await response.json()) as { data?: { embedding?: unknown }[] };
    const embedding = body.data?.[0]?.embedding;
    if (!Array.isArray(embedding) || embedding.length !== this.dimensions || !embedding.every((v) => typeof v === 'number')) {
      throw new AppError(ErrorCode.Internal, `embeddings endpoint answered no ${this.dimensions}-dimensional vector`);
    }
    return embedding as number[];
  }
}
