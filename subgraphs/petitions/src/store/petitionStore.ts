import type { Db, Sql } from '@agora/db';
import type { PageRequest } from '@agora/service';
import type { PetitionStatus } from '../domain/lifecycle.js';

export interface PetitionRecord {
  id: string;
  creatorId: string;
  title: string;
  body: string;
  status: PetitionStatus;
  createdAt: Date;
  openedAt: Date | null;
  closedAt: Date | null;
}

export interface PetitionEventRecord {
  sequence: number;
  petitionId: string;
  status: 'OPEN' | 'CLOSED';
}

export interface PetitionText {
  title: string;
  body: string;
}

const PETITION_COLUMNS = `id, creator_id AS "creatorId", title, body, status,
  created_at AS "createdAt", opened_at AS "openedAt", closed_at AS "closedAt"`;

/** SQL for petitions and their lifecycle log; plain records out. */
export function createPetitionStore(db: Db) {
  return {
    findPetitionsByIds(ids: readonly string[]) {
      return db.query<PetitionRecord>(`SELECT ${PETITION_COLUMNS} FROM petitions WHERE id = ANY($1::uuid[])`, [ids]);
    },

    /**
     * Each creator's newest `perCreator` petitions that `viewerId` may see (drafts only to
     * their creator): a bounded list, however many drafts someone writes.
     */
    findPetitionsByCreators(creatorIds: readonly string[], viewerId: string | null, perCreator: number) {
      return db.query<PetitionRecord>(
        `SELECT ${PETITION_COLUMNS}
           FROM (SELECT *, row_number() OVER (PARTITION BY creator_id ORDER BY created_at DESC, id DESC) AS place
                   FROM petitions
                  WHERE creator_id = ANY($1::uuid[]) AND (status <> 'CREATED' OR creator_id = $2::uuid)) visible
          WHERE place <= $3
          ORDER BY created_at DESC, id DESC`,
        [creatorIds, viewerId, perCreator],
      );
    },

    insertPetition(creatorId: string, text: PetitionText) {
      return db.queryOne<PetitionRecord>(
        `INSERT INTO petitions (creator_id, title, body) VALUES ($1, $2, $3) RETURNING ${PETITION_COLUMNS}`,
        [creatorId, text.title, text.body],
      ) as Promise<PetitionRecord>;
    },

    /** Open petitions, newest launched first; one row more than asked, to tell if another page follows. */
    listOpenPetitions(page: PageRequest) {
      return page.after === null
        ? db.query<PetitionRecord>(
            `SELECT ${PETITION_COLUMNS} FROM petitions WHERE status = 'OPEN' ORDER BY opened_at DESC, id DESC LIMIT $1`,
            [page.limit + 1],
          )
        : db.query<PetitionRecord>(
            `SELECT ${PETITION_COLUMNS} FROM petitions
             WHERE status = 'OPEN' AND (opened_at, id) < ($1::timestamptz, $2::uuid)
             ORDER BY opened_at DESC, id DESC LIMIT $3`,
            [page.after.key, page.after.id, page.limit + 1],
          );
    },

    /** Every open petition, for rebuilding the open list in Redis. */
    findAllOpenPetitions() {
      return db.query<PetitionRecord>(`SELECT ${PETITION_COLUMNS} FROM petitions WHERE status = 'OPEN'`);
    },

    async countOpenPetitions() {
      const row = await db.queryOne<{ count: number }>(
        `SELECT count(*)::int AS count FROM petitions WHERE status = 'OPEN'`,
      );
      return row?.count ?? 0;
    },

    /** Lifecycle events after `sequence`, oldest first. */
    listEventsAfter(sequence: number, limit: number) {
      return db.query<PetitionEventRecord>(
        `SELECT sequence::int AS sequence, petition_id AS "petitionId", status FROM petition_events
         WHERE sequence > $1 ORDER BY sequence LIMIT $2`,
        [sequence, limit],
      );
    },

    /**
     * Runs `change` on one petition under a row lock, so concurrent changes to it happen
     * one after another and each sees the status the previous one left.
     */
    changePetition<T>(id: string, change: (petition: PetitionRecord | null, tx: PetitionTx) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        const petition = await tx.queryOne<PetitionRecord>(
          `SELECT ${PETITION_COLUMNS} FROM petitions WHERE id = $1 FOR UPDATE`,
          [id],
        );
        return change(petition, createPetitionTx(tx));
      });
    },
  };
}

/** What a change may do inside its transaction. */
function createPetitionTx(tx: Sql) {
  return {
    updateText(id: string, text: PetitionText) {
      return tx.queryOne<PetitionRecord>(
        `UPDATE petitions SET title = $2, body = $3 WHERE id = $1 RETURNING ${PETITION_COLUMNS}`,
        [id, text.title, text.body],
      ) as Promise<PetitionRecord>;
    },

    /** Moves the petition to OPEN or CLOSED and appends the numbered lifecycle event. */
    async setStatus(id: string, status: 'OPEN' | 'CLOSED') {
      const stamp = status === 'OPEN' ? 'opened_at' : 'closed_at';
      const petition = (await tx.queryOne<PetitionRecord>(
        `UPDATE petitions SET status = $2, ${stamp} = now() WHERE id = $1 RETURNING ${PETITION_COLUMNS}`,
        [id, status],
      )) as PetitionRecord;
      const event = (await tx.queryOne<PetitionEventRecord>(
        `WITH next AS (UPDATE petition_event_counter SET last_sequence = last_sequence + 1 RETURNING last_sequence)
         INSERT INTO petition_events (sequence, petition_id, status) SELECT last_sequence, $1, $2 FROM next
         RETURNING sequence::int AS sequence, petition_id AS "petitionId", status`,
        [id, status],
      )) as PetitionEventRecord;
      return { petition, event };
    },
  };
}

export type PetitionTx = ReturnType<typeof createPetitionTx>;
export type PetitionStore = ReturnType<typeof createPetitionStore>;
