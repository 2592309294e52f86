import type { PetitionLifecycleEvent } from '@agora/adapters';
import type { Db } from '@agora/db';

export interface ApplyResult {
  /** The last sequence applied after this call. */
  position: number;
  /** The events this call applied, in order. */
  applied: PetitionLifecycleEvent[];
  /** Events were offered past a missing one: the log must be read to fill the gap. */
  gap: boolean;
}

/** SQL for the replica of which petitions are open. */
export function createReplicaStore(db: Db) {
  return {
    async readPosition(): Promise<number> {
      const row = await db.queryOne<{ position: number }>(
        'SELECT last_sequence::int AS position FROM replica_position',
      );
      return row?.position ?? 0;
    },

    /**
     * Applies lifecycle events strictly in sequence: those already applied are skipped, and
     * the first one past a gap stops the batch. The position row is locked meanwhile, so
     * concurrent appliers (a pub/sub message and a catch-up, or two replicas of this
     * service) take turns and each event is applied once.
     */
    applyEvents(events: readonly PetitionLifecycleEvent[]): Promise<ApplyResult> {
      return db.transaction(async (tx) => {
        const row = await tx.queryOne<{ position: number }>(
          'SELECT last_sequence::int AS position FROM replica_position FOR UPDATE',
        );
        let position = row?.position ?? 0;
        let gap = false;
        const applied: PetitionLifecycleEvent[] = [];
        for (const event of [...events].sort((a, b) => a.sequence - b.sequence)) {
          if (event.sequence <= position) continue;
          if (event.sequence > position + 1) {
            gap = true;
            break;
          }
          await tx.execute(
            `INSERT INTO petition_replicas (petition_id, status, sequence) VALUES ($1, $2, $3)
             ON CONFLICT (petition_id) DO UPDATE SET status = EXCLUDED.status, sequence = EXCLUDED.sequence`,
            [event.petitionId, event.status, event.sequence],
          );
          position = event.sequence;
          applied.push(event);
        }
        await tx.execute('UPDATE replica_position SET last_sequence = $1', [position]);
        return { position, gap, applied };
      });
    },
  };
}

export type ReplicaStore = ReturnType<typeof createReplicaStore>;
