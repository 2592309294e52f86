import DataLoader from 'dataloader';
import { isUuid } from './pagination.js';

/**
 * A per-request DataLoader over a "find these ids" query: one statement per tick however
 * many fields ask, results matched back to keys, null for ids that name nothing (including
 * strings that are not ids at all, which never reach the database).
 */
export function createByIdLoader<Row extends { id: string }>(
  findByIds: (ids: readonly string[]) => Promise<Row[]>,
): DataLoader<string, Row | null> {
  return createByKeyLoader(findByIds, (row) => row.id);
}

/** PostgreSQL prints uuids in lower case; ids from clients may come in either. */
function canonical(id: string): string {
  return id.toLowerCase();
}

/**
 * Like createByIdLoader, for rows found by another unique uuid column (an order's
 * invoice, say): at most one row per key.
 */
export function createByKeyLoader<Row>(
  findByKeys: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string,
): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(
    async (keys) => {
      const valid = keys.filter(isUuid);
      const rows = valid.length === 0 ? [] : await findByKeys(valid);
      const byKey = new Map(rows.map((row) => [canonical(keyOf(row)), row]));
      return keys.map((key) => byKey.get(canonical(key)) ?? null);
    },
    { cacheKeyFn: canonical },
  );
}

/**
 * A per-request DataLoader for "the rows belonging to each of these uuid keys" (a user's
 * petitions, an order's lines): one statement for all keys, an empty list for a key with
 * none (or that is not a uuid).
 */
export function createGroupLoader<Row>(
  findByKeys: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string,
): DataLoader<string, Row[]> {
  return new DataLoader<string, Row[]>(
    async (keys) => {
      const valid = keys.filter(isUuid);
      const rows = valid.length === 0 ? [] : await findByKeys(valid);
      const groups = new Map<string, Row[]>(keys.map((key) => [canonical(key), []]));
      for (const row of rows) groups.get(canonical(keyOf(row)))?.push(row);
      return keys.map((key) => groups.get(canonical(key)) ?? []);
    },
    { cacheKeyFn: canonical },
  );
}
