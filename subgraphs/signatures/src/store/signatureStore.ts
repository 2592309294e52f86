import type { Db } from '@agora/db';
import type { PageRequest } from '@agora/service';

export interface SignatureRecord {
  petitionId: string;
  userId: string;
  signedAt: Date;
}

export interface SignatureCountRecord {
  petitionId: string;
  count: number;
}

/** What a signing attempt found: the replica's verdict, or the signature. */
export type SignAttempt =
  | { kind: 'unknown' }
  | { kind: 'closed' }
  | { kind: 'alreadySigned'; signedAt: Date }
  | { kind: 'signed'; signedAt: Date; count: number };

const SIGNATURE_COLUMNS = `petition_id AS "petitionId", user_id AS "userId", signed_at AS "signedAt"`;

/** SQL for signatures and their counts; plain records out. */
export function createSignatureStore(db: Db) {
  return {
    /**
     * Signs, in one transaction, if the replica says the petition is open: the signature and
     * the count are written together, and the replica row is held (FOR SHARE) so that a close
     * applied meanwhile waits for this signature rather than slipping in between.
     */
    signIfOpen(petitionId: string, userId: string): Promise<SignAttempt> {
      return db.transaction(async (tx) => {
        const replica = await tx.queryOne<{ status: string }>(
          'SELECT status FROM petition_replicas WHERE petition_id = $1 FOR SHARE',
          [petitionId],
        );
        if (replica === null) return { kind: 'unknown' };
        if (replica.status !== 'OPEN') return { kind: 'closed' };
        const signature = await tx.queryOne<SignatureRecord>(
          `INSERT INTO signatures (petition_id, user_id) VALUES ($1, $2)
           ON CONFLICT (petition_id, user_id) DO NOTHING RETURNING ${SIGNATURE_COLUMNS}`,
          [petitionId, userId],
        );
        if (signature === null) {
          const earlier = await tx.queryOne<SignatureRecord>(
            `SELECT ${SIGNATURE_COLUMNS} FROM signatures WHERE petition_id = $1 AND user_id = $2`,
            [petitionId, userId],
          );
          return { kind: 'alreadySigned', signedAt: (earlier as SignatureRecord).signedAt };
        }
        const counted = await tx.queryOne<{ count: number }>(
          `INSERT INTO signature_counts (petition_id, count) VALUES ($1, 1)
           ON CONFLICT (petition_id) DO UPDATE SET count = signature_counts.count + 1
           RETURNING count`,
          [petitionId],
        );
        return { kind: 'signed', signedAt: signature.signedAt, count: (counted as { count: number }).count };
      });
    },

    findCounts(petitionIds: readonly string[]) {
      return db.query<SignatureCountRecord>(
        `SELECT petition_id AS "petitionId", count FROM signature_counts WHERE petition_id = ANY($1::uuid[])`,
        [petitionIds],
      );
    },

    /** Which of these petitions the user signed. */
    findSignaturesOfUser(userId: string, petitionIds: readonly string[]) {
      return db.query<SignatureRecord>(
        `SELECT ${SIGNATURE_COLUMNS} FROM signatures WHERE user_id = $1 AND petition_id = ANY($2::uuid[])`,
        [userId, petitionIds],
      );
    },

    /** A user's signatures, most recent first; one row more than asked, to tell if another page follows. */
    listSignaturesOfUser(userId: string, page: PageRequest) {
      return page.after === null
        ? db.query<SignatureRecord>(
            `SELECT ${SIGNATURE_COLUMNS} FROM signatures WHERE user_id = $1 ORDER BY signed_at DESC, petition_id DESC LIMIT $2`,
            [userId, page.limit + 1],
          )
        : db.query<SignatureRecord>(
            `SELECT ${SIGNATURE_COLUMNS} FROM signatures
             WHERE user_id = $1 AND (signed_at, petition_id) < ($2::timestamptz, $3::uuid)
             ORDER BY signed_at DESC, petition_id DESC LIMIT $4`,
            [userId, page.after.key, page.after.id, page.limit + 1],
          );
    },

    async countSignaturesOfUser(userId: string) {
      const row = await db.queryOne<{ count: number }>(
        'SELECT count(*)::int AS count FROM signatures WHERE user_id = $1',
        [userId],
      );
      return row?.count ?? 0;
    },
  };
}

export type SignatureStore = ReturnType<typeof createSignatureStore>;
