// Apollo's in-memory caches (parsed documents, query plans, persisted queries) are bounded
// by the length of each value's JSON, which is not what the value holds on the heap: a parsed
// document takes about four times its JSON, and a hundred times its text, because every
// token of it stays reachable. These caches count an estimate of the heap instead.
import type { DocumentNode, Token } from 'graphql';

/** Apollo's KeyValueCache contract (ttl in seconds), with clear() as the query plan store needs. */
export interface ByteBoundedCache<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean>;
  clear(): void;
  /** The estimated heap bytes of what is kept: never above maxBytes. */
  readonly bytes: number;
  /** Entries kept. */
  readonly size: number;
}

export interface ByteBoundedCacheOptions<V> {
  /** What the kept entries may hold together; the least recently used go first beyond it. */
  maxBytes: number;
  /** The heap bytes one entry holds, its key included. */
  sizeOf(key: string, value: V): number;
  /** The clock, in milliseconds (tests set their own); Date.now by default. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

/**
 * A least-recently-used cache bounded by the bytes its entries hold. An entry larger than the
 * whole budget is not kept; an entry past its ttl is never returned and is dropped when seen.
 */
export function createByteBoundedCache<V>(options: ByteBoundedCacheOptions<V>): ByteBoundedCache<V> {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, Entry<V>>();
  let bytes = 0;

  function remove(key: string): boolean {
    const entry = entries.get(key);
    if (entry === undefined) return false;
    entries.delete(key);
    bytes -= entry.bytes;
    return true;
  }

  return {
    async get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      remove(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      bytes += entry.bytes;
      return entry.value;
    },
    async set(key, value, setOptions) {
      remove(key);
      const size = options.sizeOf(key, value);
      if (size > options.maxBytes) return;
      const ttl = setOptions?.ttl;
      entries.set(key, { value, bytes: size, expiresAt: ttl ? now() + ttl * 1000 : Infinity });
      bytes += size;
      for (const oldest of entries.keys()) {
        if (bytes <= options.maxBytes) break;
        remove(oldest);
      }
    },
    async delete(key) {
      return remove(key);
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * Heap bytes of a parsed document, as measured on graphql-js 16: 270–430 bytes per lexical
 * token (every token, with its neighbours, stays reachable from the nodes' locations), plus
 * the text itself. Rounded up, so the estimate is at or above what was measured.
 */
export function documentHeapBytes(document: DocumentNode): number {
  // Parsed without locations (noLocation): no tokens are kept; its JSON is the better measure.
  if (document.loc === undefined) return 5 * JSON.stringify(document).length;
  let tokens = 0;
  for (let token: Token | null = document.loc.startToken; token !== null; token = token.next) tokens++;
  return 350 * tokens + 2 * document.loc.source.body.length;
}

/** A document store for Apollo Server (`documentStore`) holding at most `maxBytes` of heap. */
export function createDocumentStore(maxBytes: number): ByteBoundedCache<DocumentNode> {
  return createByteBoundedCache<DocumentNode>({
    maxBytes,
    sizeOf: (key, document) => 2 * key.length + documentHeapBytes(document),
  });
}
