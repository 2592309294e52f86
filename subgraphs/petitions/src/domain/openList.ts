import type { KeyValueStore, Ranked, RankedSet } from '@agora/adapters';
import type { Logger, PageRequest } from '@agora/service';
import type { PetitionRecord, PetitionStore } from '../store/petitionStore.js';

/** Open petitions by launch time (score: openedAt in ms). */
const OPEN = 'petitions:open';
/** An open petition's record, as JSON (launched petitions never change until they close). */
const recordKey = (id: string) => `petitions:open-petition:${id}`;
/** Records written per round of a rebuild. */
const CHUNK = 500;

export interface OpenListDeps {
  store: PetitionStore;
  rankedSets: RankedSet;
  kv: KeyValueStore;
  logger: Logger;
}

function toRanked(petition: PetitionRecord): Ranked {
  return { member: petition.id, score: (petition.openedAt as Date).getTime() };
}

function fromJson(json: string): PetitionRecord {
  const raw = JSON.parse(json) as PetitionRecord & {
    createdAt: string;
    openedAt: string | null;
    closedAt: string | null;
  };
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return { ...raw, createdAt: new Date(raw.createdAt), openedAt: date(raw.openedAt), closedAt: date(raw.closedAt) };
}

/**
 * The open petitions, newest launched first, served from Redis: a ranked set for the order
 * and the records beside it. Launches push into it, closes take out, and it is rebuilt from
 * PostgreSQL (the durable copy) on start-up, after a flush, and when it drifts. With Redis
 * away the list is read from PostgreSQL.
 */
export function createOpenList(deps: OpenListDeps) {
  const warn = (what: string) => (error: unknown) => deps.logger.warn(what, { error });
  let rebuilding: Promise<void> | null = null;

  async function rebuild(): Promise<void> {
    const open = await deps.store.findAllOpenPetitions();
    for (let i = 0; i < open.length; i += CHUNK) {
      await Promise.all(
        open.slice(i, i + CHUNK).map((petition) => deps.kv.set(recordKey(petition.id), JSON.stringify(petition))),
      );
    }
    await deps.rankedSets.replace(OPEN, open.map(toRanked));
  }

  function rebuildOnce(): Promise<void> {
    rebuilding ??= rebuild().finally(() => {
      rebuilding = null;
    });
    return rebuilding;
  }

  /** The records of these petitions: from Redis, from PostgreSQL (and back into Redis) where missing. */
  async function recordsOf(ids: readonly string[]): Promise<PetitionRecord[]> {
    const cached = await deps.kv.getMany(ids.map(recordKey));
    const missing = ids.filter((_, index) => cached[index] === null);
    const loaded = new Map(
      (missing.length === 0 ? [] : await deps.store.findPetitionsByIds(missing)).map((row) => [row.id, row]),
    );
    for (const petition of loaded.values())
      void deps.kv.set(recordKey(petition.id), JSON.stringify(petition)).catch(warn('could not cache a petition'));
    return ids.flatMap((id, index) => {
      const json = cached[index];
      const petition = json === null || json === undefined ? loaded.get(id) : fromJson(json);
      return petition === undefined ? [] : [petition];
    });
  }

  /** Whether an empty answer from Redis means it lost the list (a flush) while petitions are open. */
  async function lostWhileOpen(): Promise<boolean> {
    return !(await deps.rankedSets.exists(OPEN)) && (await deps.store.countOpenPetitions()) > 0;
  }

  async function pageFromRedis(page: PageRequest): Promise<PetitionRecord[]> {
    const after = page.after === null ? undefined : { member: page.after.id, score: Date.parse(page.after.key) };
    let entries = await deps.rankedSets.highest(OPEN, page.limit + 1, after);
    if (entries.length === 0 && (await lostWhileOpen())) {
      await rebuildOnce();
      entries = await deps.rankedSets.highest(OPEN, page.limit + 1, after);
    }
    return recordsOf(entries.map((entry) => entry.member));
  }

  return {
    rebuild: rebuildOnce,

    /** A page, with one row more than asked to tell if another follows (as the SQL list does). */
    async page(page: PageRequest): Promise<PetitionRecord[]> {
      try {
        return await pageFromRedis(page);
      } catch (error) {
        warn('could not read the open list from Redis; reading PostgreSQL')(error);
        return deps.store.listOpenPetitions(page);
      }
    },

    async count(): Promise<number> {
      try {
        const size = await deps.rankedSets.size(OPEN);
        if (size > 0) return size;
      } catch (error) {
        warn('could not count the open list in Redis; counting PostgreSQL')(error);
      }
      return deps.store.countOpenPetitions();
    },

    /** After a launch commits. */
    async launched(petition: PetitionRecord): Promise<void> {
      await deps.kv.set(recordKey(petition.id), JSON.stringify(petition));
      await deps.rankedSets.setScores(OPEN, [toRanked(petition)]);
    },

    /** After a close commits. */
    async closed(petitionId: string): Promise<void> {
      await deps.rankedSets.remove(OPEN, [petitionId]);
      await deps.kv.delete(recordKey(petitionId));
    },

    /** Rebuilds when Redis and PostgreSQL disagree on how many petitions are open. */
    async reconcile(): Promise<void> {
      const [inRedis, inDb] = await Promise.all([deps.rankedSets.size(OPEN), deps.store.countOpenPetitions()]);
      if (inRedis !== inDb) {
        deps.logger.info('open list drifted from PostgreSQL; rebuilding', { inRedis, inDb });
        await rebuildOnce();
      }
    },
  };
}

export type OpenList = ReturnType<typeof createOpenList>;
