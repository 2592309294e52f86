/** A member and its score in a ranked set. */
export interface Ranked {
  member: string;
  score: number;
}

export interface SetScoresOptions {
  /** Only raise scores, never lower them: counts that only grow stay right whatever order writes land in. */
  onlyIfGreater?: boolean;
  /** Only update members already present: a removed member is not brought back by a late write. */
  onlyIfPresent?: boolean;
}

/**
 * Sets of members ranked by score (a Redis sorted set): open petitions by launch time,
 * petitions by signature count. Keys are namespaced by the implementation's prefix. Ties
 * rank by member, so an order is total and a position can be resumed from.
 */
export interface RankedSet {
  setScores(key: string, entries: readonly Ranked[], options?: SetScoresOptions): Promise<void>;
  remove(key: string, members: readonly string[]): Promise<void>;
  /** Scores of these members, null for those not in the set. */
  scores(key: string, members: readonly string[]): Promise<(number | null)[]>;
  /** Highest first (then member descending), after `after` (exclusive) when given. */
  highest(key: string, limit: number, after?: Ranked): Promise<Ranked[]>;
  size(key: string): Promise<number>;
  /** Whether the key holds a set at all (false after a flush, or before it was built). */
  exists(key: string): Promise<boolean>;
  /** Replaces the whole set in one step: readers see the old set or the new one. */
  replace(key: string, entries: readonly Ranked[]): Promise<void>;
}

/** Whether `a` ranks after `b`: lower score, or equal score and lower member. */
export function ranksAfter(a: Ranked, b: Ranked): boolean {
  return a.score < b.score || (a.score === b.score && a.member < b.member);
}
