import { LRUCache } from 'lru-cache';

/**
 * A bounded map that forgets the least recently used entry first: npm `lru-cache`, with the
 * worker's small interface (capacity, and a callback for entries evicted by capacity — not for
 * ones deleted or replaced).
 */
export class LruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<K, V>;

  constructor(capacity: number, onEvict?: (key: K, value: V) => void) {
    if (capacity < 1) throw new RangeError('LRU capacity must be at least 1');
    this.entries = new LRUCache<K, V>({ max: capacity, ...(onEvict ? { dispose: (value: V, key: K, reason: LRUCache.DisposeReason) => reason === 'evict' && onEvict(key, value) } : {}) });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Whether `key` is cached (does not count as a use). */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
  }
}
