import type { Redis } from 'ioredis';
import { ranksAfter, type Ranked, type RankedSet, type SetScoresOptions } from './rankedSet.js';

/** RankedSet on Redis sorted sets; the connection belongs to the caller. */
export class RedisRankedSet implements RankedSet {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async setScores(key: string, entries: readonly Ranked[], options: SetScoresOptions = {}): Promise<void> {
    if (entries.length === 0) return;
    const flags = [
      ...(options.onlyIfPresent === true ? ['XX'] : []),
      ...(options.onlyIfGreater === true ? ['GT'] : []),
    ];
    const pairs = entries.flatMap(({ member, score }) => [score, member]);
    await this.redis.zadd(this.key(key), ...flags, ...pairs);
  }

  async remove(key: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.zrem(this.key(key), ...members);
  }

  async scores(key: string, members: readonly string[]): Promise<(number | null)[]> {
    if (members.length === 0) return [];
    const scores = await this.redis.zmscore(this.key(key), ...members);
    return scores.map((score) => (score === null ? null : Number(score)));
  }

  /**
   * Redis orders equal scores by member, as we do; resuming after a position reads from its
   * score down and skips what ranks before it (a few ties at most).
   */
  async highest(key: string, limit: number, after?: Ranked): Promise<Ranked[]> {
    const result: Ranked[] = [];
    let offset = 0;
    const batch = limit + 20;
    while (result.length < limit) {
      const flat = await this.redis.zrange(
        this.key(key),
        after === undefined ? '+inf' : after.score,
        '-inf',
        'BYSCORE',
        'REV',
        'LIMIT',
        offset,
        batch,
        'WITHSCORES',
      );
      for (let i = 0; i < flat.length; i += 2) {
        const entry = { member: flat[i] as string, score: Number(flat[i + 1]) };
        if ((after === undefined || ranksAfter(entry, after)) && result.length < limit) result.push(entry);
      }
      if (flat.length < batch * 2) break;
      offset += batch;
    }
    return result;
  }

  size(key: string): Promise<number> {
    return this.redis.zcard(this.key(key));
  }

  async exists(key: string): Promise<boolean> {
    return (await this.redis.exists(this.key(key))) === 1;
  }

  async replace(key: string, entries: readonly Ranked[]): Promise<void> {
    const target = this.key(key);
    if (entries.length === 0) {
      await this.redis.del(target);
      return;
    }
    // Built aside, then swapped in with RENAME, which is atomic.
    const staging = `${target}:staging:${process.pid}:${Date.now()}`;
    const pipeline = this.redis.multi();
    for (let i = 0; i < entries.length; i += 1000) {
      pipeline.zadd(staging, ...entries.slice(i, i + 1000).flatMap(({ member, score }) => [score, member]));
    }
    pipeline.rename(staging, target);
    await pipeline.exec();
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}
