import { TOPICS, type PetitionLifecycleEvent, type PubSub, type RankedSet } from '@agora/adapters';
import type { Logger } from '@agora/service';
import type { SignatureCountRecord, SignatureStore } from '../store/signatureStore.js';

/** Every petition's count (read by `signatureCount`). */
const COUNTS = 'signatures:counts';
/** Open petitions only, by count (read by `mostSignedPetitions`). */
const RANKING = 'signatures:open-ranking';
/** Counts rebuilt per round trip. */
const PAGE = 1_000;
/**
 * How often counts that could not reach Redis are tried again. Cheap while Redis is away (its
 * commands fail at once), and it bounds how long Redis stays behind once it is back.
 */
const REPAIR_INTERVAL_MS = 200;

/** Where counts are read from (COUNTS_SOURCE). */
export type CountsSource = 'redis' | 'postgres';

export interface CountDeps {
  store: SignatureStore;
  rankedSets: RankedSet;
  pubsub: PubSub;
  logger: Logger;
  /** Where reads go (writes always keep Redis up to date, so switching back is instant). */
  source: CountsSource;
}

/**
 * The counts clients read, kept in Redis after PostgreSQL has committed them. Counts only
 * grow, so every write is "raise to at least" and the order writes land in does not matter.
 * PostgreSQL stays the truth: a missing or unreachable Redis count is read from it, a count
 * that could not be written to Redis (or published) is repaired from it as soon as Redis
 * answers again, and `reconcile` rebuilds Redis from it (after a flush, or any drift). Every
 * repair and every reconcile publishes the counts it wrote, so watchers converge too.
 */
export function createSignatureCounts(deps: CountDeps) {
  const warn = (what: string) => (error: unknown) => deps.logger.warn(what, { error });
  let rebuilding: Promise<void> | null = null;
  /** Petitions whose latest count Redis or the watchers may not have. */
  const unrepaired = new Set<string>();
  let repairTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  function publish(counts: readonly SignatureCountRecord[]): Promise<void>[] {
    return counts.map((count) =>
      deps.pubsub.publish(TOPICS.signatureCount(count.petitionId), {
        petitionId: count.petitionId,
        signatureCount: count.count,
      }),
    );
  }

  /** Raises counts and ranking in Redis and publishes each count; rejects when any of it failed. */
  async function write(counts: readonly SignatureCountRecord[]): Promise<void> {
    const ranked = counts.map(toRanked);
    const failed = firstFailure(
      await Promise.allSettled([
        deps.rankedSets.setScores(COUNTS, ranked, { onlyIfGreater: true }),
        deps.rankedSets.setScores(RANKING, ranked, { onlyIfGreater: true, onlyIfPresent: true }),
        ...publish(counts),
      ]),
    );
    if (failed !== undefined) throw failed.reason;
  }

  function scheduleRepair(): void {
    if (stopped) return;
    repairTimer ??= setTimeout(() => void repair(), REPAIR_INTERVAL_MS);
    repairTimer.unref();
  }

  /** Writes the counts PostgreSQL has now for every unrepaired petition; those that fail wait for the next try. */
  async function repair(): Promise<void> {
    const petitionIds = [...unrepaired];
    unrepaired.clear();
    try {
      await write(await deps.store.findCounts(petitionIds));
    } catch {
      for (const petitionId of petitionIds) unrepaired.add(petitionId);
    } finally {
      repairTimer = undefined;
      if (unrepaired.size > 0) scheduleRepair();
    }
  }

  async function reconcile(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const page: SignatureCountRecord[] = await deps.store.listCounts(after, PAGE);
      if (page.length === 0) break;
      await deps.rankedSets.setScores(COUNTS, page.map(toRanked), { onlyIfGreater: true });
      // Watchers who missed a count (pub/sub lost it) get it here at the latest.
      await publishAll(page);
      after = page.at(-1)?.petitionId ?? null;
    }
    const open = (await deps.store.findOpenCounts(null)).map(toRanked);
    // Open petitions nobody signed yet count 0, read from Redis like the rest.
    await deps.rankedSets.setScores(COUNTS, open, { onlyIfGreater: true });
    await deps.rankedSets.replace(RANKING, open);
    // Commits since the snapshot raised the counts before the ranking (one connection, in
    // order), so the ranking gets back what replacing it with the snapshot took away.
    const latest = await deps.rankedSets.scores(
      COUNTS,
      open.map((entry) => entry.member),
    );
    await deps.rankedSets.setScores(
      RANKING,
      open.map((entry, index) => ({ member: entry.member, score: latest[index] ?? entry.score })),
      { onlyIfPresent: true, onlyIfGreater: true },
    );
  }

  /** One rebuild at a time. */
  function reconcileOnce(): Promise<void> {
    rebuilding ??= reconcile().finally(() => {
      rebuilding = null;
    });
    return rebuilding;
  }

  async function publishAll(counts: readonly SignatureCountRecord[]): Promise<void> {
    const failed = firstFailure(await Promise.allSettled(publish(counts)));
    if (failed !== undefined) warn('could not publish reconciled counts')(failed.reason);
  }

  async function rankedFromPostgres(limit: number): Promise<string[]> {
    return (await deps.store.findOpenCounts(limit)).map((row) => row.petitionId);
  }

  async function countsFromPostgres(petitionIds: readonly string[]): Promise<number[]> {
    const counts = new Map((await deps.store.findCounts(petitionIds)).map((row) => [row.petitionId, row.count]));
    return petitionIds.map((id) => counts.get(id) ?? 0);
  }

  return {
    reconcile: reconcileOnce,

    /**
     * After a commit: raise the counts, and tell watchers (the gateway) the new ones. Never
     * fails: what Redis did not take is remembered and repaired from PostgreSQL once it does.
     */
    async recorded(counts: readonly SignatureCountRecord[]): Promise<void> {
      if (counts.length === 0) return;
      try {
        await write(counts);
      } catch (error) {
        if (unrepaired.size === 0)
          warn('could not bring counts up to date in Redis; repairing them once it answers')(error);
        for (const count of counts) unrepaired.add(count.petitionId);
        scheduleRepair();
      }
    },

    /** Stops trying to repair (the service is stopping; the next start reconciles). */
    stop(): void {
      stopped = true;
      clearTimeout(repairTimer);
    },

    /** Counts for these petitions: Redis first, PostgreSQL for whatever Redis does not have. */
    async read(petitionIds: readonly string[]): Promise<number[]> {
      if (deps.source === 'postgres') return countsFromPostgres(petitionIds);
      const fromRedis = await deps.rankedSets.scores(COUNTS, petitionIds).catch((error: unknown) => {
        warn('could not read counts from Redis; reading PostgreSQL')(error);
        return petitionIds.map(() => null);
      });
      const missing = petitionIds.filter((_, index) => fromRedis[index] === null);
      if (missing.length === 0) return fromRedis as number[];
      const rows = await deps.store.findCounts(missing);
      // Put back what Redis lost (a flush); raising only, so a newer count is never lowered.
      void deps.rankedSets
        .setScores(COUNTS, rows.map(toRanked), { onlyIfGreater: true })
        .catch(warn('could not put counts back in Redis'));
      const fromDb = new Map(rows.map((row) => [row.petitionId, row.count]));
      return petitionIds.map((id, index) => fromRedis[index] ?? fromDb.get(id) ?? 0);
    },

    /** The most signed open petitions; rebuilt first if Redis lost the ranking, from PostgreSQL if Redis is away. */
    async mostSigned(limit: number): Promise<string[]> {
      if (deps.source === 'postgres') return rankedFromPostgres(limit);
      try {
        let ranked = await deps.rankedSets.highest(RANKING, limit);
        // Empty while petitions are open: Redis lost the ranking (a flush). Rebuild, read again.
        if (ranked.length === 0 && (await deps.store.findOpenCounts(1)).length > 0) {
          await reconcileOnce();
          ranked = await deps.rankedSets.highest(RANKING, limit);
        }
        return ranked.map((entry) => entry.member);
      } catch (error) {
        warn('could not rank from Redis; ranking from PostgreSQL')(error);
        return rankedFromPostgres(limit);
      }
    },

    /**
     * Launches and closes the replica applied: opened petitions enter the ranking with their
     * counts so far, closed ones leave it (their counts stay readable).
     */
    async lifecycleApplied(events: readonly PetitionLifecycleEvent[]): Promise<void> {
      // Never fails: the replica must go on applying events whatever happens to the ranking.
      try {
        const opened = events.filter((event) => event.status === 'OPEN').map((event) => event.petitionId);
        const closed = events.filter((event) => event.status === 'CLOSED').map((event) => event.petitionId);
        const counts = new Map(
          (opened.length === 0 ? [] : await deps.store.findCounts(opened)).map((row) => [row.petitionId, row.count]),
        );
        const ranked = opened.map((member) => ({ member, score: counts.get(member) ?? 0 }));
        await deps.rankedSets.setScores(COUNTS, ranked, { onlyIfGreater: true });
        await deps.rankedSets.setScores(RANKING, ranked, { onlyIfGreater: true });
        await deps.rankedSets.remove(RANKING, closed);
      } catch (error) {
        warn('could not bring the ranking up to date with launches and closes')(error);
      }
    },
  };
}

function firstFailure(outcomes: readonly PromiseSettledResult<unknown>[]): PromiseRejectedResult | undefined {
  return outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
}

function toRanked(count: SignatureCountRecord) {
  return { member: count.petitionId, score: count.count };
}

export type SignatureCounts = ReturnType<typeof createSignatureCounts>;
