import { ranksAfter, type Ranked, type RankedSet, type SetScoresOptions } from './rankedSet.js';

/** In-process twin of RedisRankedSet: a map per key, sorted when read. */
export class MemRankedSet implements RankedSet {
  private readonly sets = new Map<string, Map<string, number>>();

  async setScores(key: string, entries: readonly Ranked[], options: SetScoresOptions = {}): Promise<void> {
    let set = this.sets.get(key);
    for (const { member, score } of entries) {
      const current = set?.get(member);
      if (options.onlyIfPresent === true && current === undefined) continue;
      if (options.onlyIfGreater === true && current !== undefined && score <= current) continue;
      if (set === undefined) {
        set = new Map();
        this.sets.set(key, set);
      }
      set.set(member, score);
    }
  }

  async remove(key: string, members: readonly string[]): Promise<void> {
    const set = this.sets.get(key);
    for (const member of members) set?.delete(member);
    if (set?.size === 0) this.sets.delete(key);
  }

  async scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    const set = this.sets.get(key);
    return members.map((member) => set?.get(member) ?? null);
  }

  async highest(key: string, limit: number, after?: Ranked): Promise<Ranked[]> {
    const entries = [...(this.sets.get(key) ?? new Map<string, number>())].map(([member, score]) => ({
      member,
      score,
    }));
    entries.sort((a, b) => b.score - a.score || (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
    return (after === undefined ? entries : entries.filter((entry) => ranksAfter(entry, after))).slice(0, limit);
  }

  async size(key: string): Promise<number> {
    return this.sets.get(key)?.size ?? 0;
  }

  async exists(key: string): Promise<boolean> {
    return this.sets.has(key);
  }

  async replace(key: string, entries: readonly Ranked[]): Promise<void> {
    if (entries.length === 0) this.sets.delete(key);
    else this.sets.set(key, new Map(entries.map(({ member, score }) => [member, score])));
  }
}
