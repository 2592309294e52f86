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

export interface SignRequest {
  petitionId: string;
  userId: string;
}

/** What a signing attempt found: the replica's verdict, or the signature. */
export type SignAttempt =
  | { kind: 'unknown' }
  | { kind: 'closed' }
  | { kind: 'alreadySigned'; signedAt: Date }
  | { kind: 'signed'; signedAt: Date; count: number };

const keyOf = (request: SignRequest) => `${request.petitionId}/${request.userId}`;

/** The requests without repeats (the same user twice in one batch): the first stands for both. */
function uniqueRequests(requests: readonly SignRequest[]): SignRequest[] {
  const seen = new Set<string>();
  const unique: SignRequest[] = [];
  for (const request of requests) {
    if (seen.has(keyOf(request))) continue;
    seen.add(keyOf(request));
    unique.push(request);
  }
  return unique;
}

/**
 * One answer per request. The signatures a batch added to a petition took the counts from
 * (total − added + 1) to total, handed out in request order, so every signer sees a distinct,
 * exact count; a repeat of a request answers as already signed.
 */
function answerEach(
  requests: readonly SignRequest[],
  statuses: ReadonlyMap<string, string>,
  signatures: readonly SignatureRecord[],
  batch: {
    insertedKeys: ReadonlySet<string>;
    /** Signatures inserted per petition. */
    added: ReadonlyMap<string, number>;
    /** Each petition's count after the batch. */
    totals: ReadonlyMap<string, number>;
  },
): SignAttempt[] {
  const { insertedKeys, added, totals } = batch;
  const signedAt = new Map(signatures.map((signature) => [keyOf(signature), signature.signedAt]));
  const handedOut = new Map<string, number>();
  const answered = new Set<string>();
  return requests.map((request): SignAttempt => {
    const status = statuses.get(request.petitionId);
    if (status === undefined) return { kind: 'unknown' };
    if (status !== 'OPEN') return { kind: 'closed' };
    const key = keyOf(request);
    const at = signedAt.get(key) as Date;
    if (!insertedKeys.has(key) || answered.has(key)) return { kind: 'alreadySigned', signedAt: at };
    answered.add(key);
    const next = (handedOut.get(request.petitionId) ?? 0) + 1;
    handedOut.set(request.petitionId, next);
    const total = totals.get(request.petitionId) as number;
    return { kind: 'signed', signedAt: at, count: total - (added.get(request.petitionId) as number) + next };
  });
}

const SIGNATURE_COLUMNS = `petition_id AS "petitionId", user_id AS "userId", signed_at AS "signedAt"`;

/** SQL for signatures and their counts; plain records out. */
export function createSignatureStore(db: Db) {
  return {
    /**
     * Signs a batch of requests in one transaction (a group commit): the replica rows of the
     * petitions are held FOR SHARE, so a close applied meanwhile waits for these signatures
     * rather than slipping in between; signatures and counts are written together. Each
     * request gets its own answer, in order; each accepted signature its own count.
     */
    signBatch(requests: readonly SignRequest[]): Promise<SignAttempt[]> {
      return db.transaction(async (tx) => {
        const petitionIds = [...new Set(requests.map((request) => request.petitionId))].sort();
        const statuses = new Map(
          (
            await tx.query<{ petitionId: string; status: string }>(
              `SELECT petition_id AS "petitionId", status FROM petition_replicas
               WHERE petition_id = ANY($1::uuid[]) ORDER BY petition_id FOR SHARE`,
              [petitionIds],
            )
          ).map((row) => [row.petitionId, row.status]),
        );
        const candidates = uniqueRequests(requests.filter((request) => statuses.get(request.petitionId) === 'OPEN'));

        const inserted = await tx.query<SignatureRecord>(
          `INSERT INTO signatures (petition_id, user_id)
           SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT (petition_id, user_id) DO NOTHING
           RETURNING ${SIGNATURE_COLUMNS}`,
          [candidates.map((request) => request.petitionId), candidates.map((request) => request.userId)],
        );
        const insertedKeys = new Set(inserted.map(keyOf));
        const added = new Map<string, number>();
        for (const signature of inserted) added.set(signature.petitionId, (added.get(signature.petitionId) ?? 0) + 1);
        // Statements with nothing to do are skipped: a batch of one costs three round trips.
        const increments = [...added].sort(([a], [b]) => a.localeCompare(b));
        const totals = new Map(
          (increments.length === 0
            ? []
            : await tx.query<SignatureCountRecord>(
                `INSERT INTO signature_counts (petition_id, count) SELECT * FROM unnest($1::uuid[], $2::int[])
                 ON CONFLICT (petition_id) DO UPDATE SET count = signature_counts.count + EXCLUDED.count
                 RETURNING petition_id AS "petitionId", count`,
                [increments.map(([petitionId]) => petitionId), increments.map(([, count]) => count)],
              )
          ).map((row) => [row.petitionId, row.count]),
        );
        const earlier = candidates.filter((request) => !insertedKeys.has(keyOf(request)));
        const existing =
          earlier.length === 0
            ? []
            : await tx.query<SignatureRecord>(
                `SELECT ${SIGNATURE_COLUMNS} FROM signatures
                 WHERE (petition_id, user_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
                [earlier.map((request) => request.petitionId), earlier.map((request) => request.userId)],
              );
        return answerEach(requests, statuses, [...inserted, ...existing], { insertedKeys, added, totals });
      });
    },

    /** Counts a page at a time, by petition id (for rebuilding Redis). */
    listCounts(afterPetitionId: string | null, limit: number) {
      return db.query<SignatureCountRecord>(
        `SELECT petition_id AS "petitionId", count FROM signature_counts
         WHERE petition_id > coalesce($1::uuid, '00000000-0000-0000-0000-000000000000') ORDER BY petition_id LIMIT $2`,
        [afterPetitionId, limit],
      );
    },

    /** Open petitions (as the replica knows them) with their counts, the most signed first. */
    findOpenCounts(limit: number | null) {
      return db.query<SignatureCountRecord>(
        `SELECT r.petition_id AS "petitionId", coalesce(c.count, 0) AS count
         FROM petition_replicas r LEFT JOIN signature_counts c USING (petition_id)
         WHERE r.status = 'OPEN' ORDER BY count DESC, r.petition_id DESC LIMIT $1`,
        [limit],
      );
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
