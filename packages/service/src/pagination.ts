import { decodeCursor, encodeCursor, isUuid, type CursorPosition } from '@agora/db';
import { BadUserInputError } from '@agora/errors';

/** A validated page request: how many rows, and after which position. */
export interface PageRequest {
  limit: number;
  after: CursorPosition | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** What a `XConnection` resolver receives; `countTotal` runs only when `totalCount` is asked for. */
export interface Connection<Node> {
  nodes: Node[];
  pageInfo: PageInfo;
  countTotal: () => Promise<number>;
}

export const MAX_PAGE_SIZE = 100;

/** What a list is sorted by, so a cursor's key can be checked before it reaches SQL. */
export type CursorKey = 'timestamp' | 'integer' | 'text';

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,6})?Z$/;

/**
 * A UTC instant PostgreSQL accepts too: `Date.parse` takes year 0 and rolls 30 February
 * over into March, where PostgreSQL refuses both, so every field must survive a round trip.
 */
function isRealInstant(key: string): boolean {
  const fields = TIMESTAMP.exec(key)?.slice(1, 7).map(Number);
  if (fields === undefined) return false;
  const [year, month, day, hour, minute, second] = fields as [number, number, number, number, number, number];
  if (year < 1000) return false;
  const instant = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    instant.getUTCFullYear() === year &&
    instant.getUTCMonth() === month - 1 &&
    instant.getUTCDate() === day &&
    instant.getUTCHours() === hour &&
    instant.getUTCMinutes() === minute &&
    instant.getUTCSeconds() === second
  );
}

const KEY_CHECKS: Record<CursorKey, (key: string) => boolean> = {
  timestamp: isRealInstant,
  integer: (key) => /^\d{1,15}$/.test(key),
  text: (key) => key.length <= 1_000 && !key.includes('\0'),
};

/**
 * Reads `first`/`after` arguments, refusing a size outside 1..100, or a cursor that is not
 * one this list issues (whatever it decodes to), with a BAD_USER_INPUT error naming the value.
 */
export function readPageRequest(
  args: { first?: number | null; after?: string | null },
  defaultFirst: number,
  key: CursorKey,
): PageRequest {
  const first = args.first ?? defaultFirst;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
  }
  if (args.after === undefined || args.after === null) return { limit: first, after: null };
  const after = decodeCursor(args.after);
  if (after === null || !isUuid(after.id) || !KEY_CHECKS[key](after.key)) {
    throw new BadUserInputError(`after is not a valid cursor for this list: "${args.after.slice(0, 100)}".`, 'after');
  }
  return { limit: first, after };
}

/**
 * A connection from rows fetched with `limit + 1`: the extra row only tells that another
 * page follows.
 */
export function toConnection<Row>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => CursorPosition,
  countTotal: () => Promise<number>,
): Connection<Row> {
  const nodes = rows.slice(0, limit);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: {
      hasNextPage: rows.length > limit,
      endCursor: last === undefined ? null : encodeCursor(positionOf(last)),
    },
    countTotal,
  };
}
