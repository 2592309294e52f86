import { randomUUID } from 'node:crypto';
import {
  MemPubSub,
  MemRankedSet,
  MemRateLimiter,
  TOPICS,
  type PetitionLifecycleEvent,
  type RateLimiter,
} from '@agora/adapters';
import { runMigrations } from '@agora/db';
import { ServiceUnavailableError } from '@agora/errors';
import { silentLogger, type ServiceClient, createServiceMetrics } from '@agora/service';
import { createTestDatabase, serveTestSubgraph } from '@agora/testkit';
import type { CountsSource } from '../domain/signatureCounts.js';
import type { SigningLimits } from '../domain/signing.js';
import { SIGNATURES_MIGRATIONS_DIR, createSignaturesSubgraph } from '../subgraph.js';

/**
 * The petitions lifecycle log as signatures sees it across the process edge: answers
 * `petitionEvents`, or fails as an unreachable service does when `down` is set.
 */
export function createFakePetitionsLog() {
  const log = {
    events: [] as PetitionLifecycleEvent[],
    down: false,
    reads: 0,
    client: {
      async request<Data>(_query: string, variables: Record<string, unknown> = {}): Promise<Data> {
        log.reads++;
        if (log.down)
          throw new ServiceUnavailableError('The petitions service did not answer (unreachable); please try again.');
        const after = variables['after'] as number;
        const first = variables['first'] as number;
        return { petitionEvents: log.events.filter((event) => event.sequence > after).slice(0, first) } as Data;
      },
    } satisfies ServiceClient,
    /** Appends to the log (as petitions commits a transition) and returns the event. */
    append(petitionId: string, status: 'OPEN' | 'CLOSED'): PetitionLifecycleEvent {
      const event = { sequence: log.events.length + 1, petitionId, status };
      log.events.push(event);
      return event;
    },
  };
  return log;
}

/** The signatures subgraph on its own fresh database, with in-process pub/sub and a fake petitions log. */
export async function startSignatures(
  options: {
    limits?: SigningLimits;
    rateLimiter?: RateLimiter;
    replicaMaxAgeMs?: number | null;
    countsSource?: CountsSource;
  } = {},
) {
  const database = await createTestDatabase('signatures');
  await runMigrations(database.db, SIGNATURES_MIGRATIONS_DIR);
  const pubsub = new MemPubSub();
  const rankedSets = new MemRankedSet();
  const petitionsLog = createFakePetitionsLog();
  const subgraph = await serveTestSubgraph(
    createSignaturesSubgraph({
      db: database.db,
      pubsub,
      petitions: petitionsLog.client,
      rankedSets,
      rateLimiter: options.rateLimiter ?? new MemRateLimiter(),
      logger: silentLogger,
      metrics: createServiceMetrics('signatures'),
      settings: {
        replicaSyncIntervalMs: 3_600_000,
        reconcileIntervalMs: 3_600_000,
        maxBatch: 500,
        replicaMaxAgeMs: options.replicaMaxAgeMs ?? null,
        countsSource: options.countsSource ?? 'redis',
        limits: options.limits ?? { perUser: 1_000, perAddress: 100_000 },
      },
    }),
  );
  return {
    database,
    pubsub,
    rankedSets,
    petitionsLog,
    subgraph,
    /** Launches a petition as petitions would: logged, then published. */
    async launch(petitionId: string = randomUUID()) {
      await pubsub.publish(TOPICS.petitionLifecycle, petitionsLog.append(petitionId, 'OPEN'));
      return petitionId;
    },
    async close(petitionId: string) {
      await pubsub.publish(TOPICS.petitionLifecycle, petitionsLog.append(petitionId, 'CLOSED'));
    },
    async replicaStatus(petitionId: string) {
      const row = await database.db.queryOne<{ status: string }>(
        'SELECT status FROM petition_replicas WHERE petition_id = $1',
        [petitionId],
      );
      return row?.status ?? null;
    },
    async stop() {
      await subgraph.stop();
      await pubsub.close();
      await database.drop();
    },
  };
}

export type SignaturesHarness = Awaited<ReturnType<typeof startSignatures>>;

export function someone() {
  return { userId: randomUUID(), sessionId: randomUUID() };
}

export const SIGN = `mutation ($id: ID!) {
  signPetition(petitionId: $id) {
    __typename
    ... on Signature { petition { id } signedAt signatureCount }
    ... on ErrorResult { code message }
    ... on AlreadySigned { signedAt }
    ... on PetitionNotFound { petitionId }
  }
}`;
