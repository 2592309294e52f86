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

/**
 * Like createByIdLoader, for rows found by another unique uuid column (an order's
 * invoice, say): at most one row per key.
 */
export function createByKeyLoader<Row>(
  findByKeys: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string,
): DataLoader<string, Row | null> {
  return new DataLoader<string, Row | null>(async (keys) => {
    const valid = keys.filter(isUuid);
    const rows = valid.length === 0 ? [] : await findByKeys(valid);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/**
 * A per-request DataLoader for "the rows belonging to each of these uuid keys" (a user's
 * petitions, an order's lines): one statement for all keys, an empty list for a key with
 * none (or that is not a uuid).
 */
export function createGroupLoader<Row, Key extends string = string>(
  findByKeys: (keys: readonly Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row[]> {
  return new DataLoader<Key, Row[]>(async (keys) => {
    const valid = keys.filter(isUuid);
    const rows = valid.length === 0 ? [] : await findByKeys(valid);
    const groups = new Map<Key, Row[]>(keys.map((key) => [key, []]));
    for (const row of rows) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}
