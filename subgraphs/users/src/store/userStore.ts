import type { Db, Sql } from '@agora/db';

/** A user as the rest of the subgraph sees it (never with the password hash). */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
}

const USER_COLUMNS = `id, name, email, created_at AS "createdAt"`;
const SESSION_COLUMNS = `id, user_id AS "userId", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

async function insertSession(sql: Sql, userId: string, expiresAt: Date): Promise<SessionRecord> {
  const session = await sql.queryOne<SessionRecord>(
    `INSERT INTO sessions (user_id, expires_at) VALUES ($1, $2) RETURNING ${SESSION_COLUMNS}`,
    [userId, expiresAt],
  );
  return session as SessionRecord;
}

/** SQL for users and sessions; plain records out. */
export function createUserStore(db: Db) {
  return {
    /**
     * Creates the user and a first session in one transaction; null (and nothing
     * written) when the email is taken.
     */
    async insertUserWithSession(user: NewUser, sessionExpiresAt: Date) {
      return db.transaction(async (tx) => {
        const created = await tx.queryOne<UserRecord>(
          `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
           ON CONFLICT (email) DO NOTHING
           RETURNING ${USER_COLUMNS}`,
          [user.email, user.name, user.passwordHash],
        );
        if (created === null) return null;
        return { user: created, session: await insertSession(tx, created.id, sessionExpiresAt) };
      });
    },

    async findCredentialsByEmail(email: string) {
      const row = await db.queryOne<UserRecord & { passwordHash: string }>(
        `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE email = $1`,
        [email],
      );
      if (row === null) return null;
      const { passwordHash, ...user } = row;
      return { user, passwordHash };
    },

    findUsersByIds(ids: readonly string[]) {
      return db.query<UserRecord>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    },

    insertSession(userId: string, expiresAt: Date) {
      return insertSession(db, userId, expiresAt);
    },

    /** Whether the session exists for the user, is not revoked and has not expired. */
    async isSessionActive(sessionId: string, userId: string): Promise<boolean> {
      const row = await db.queryOne<{ active: boolean }>(
        `SELECT true AS active FROM sessions
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()`,
        [sessionId, userId],
      );
      return row !== null;
    },

    /** Sessions logged out whose tokens would still be accepted (not expired yet). */
    findRevokedLiveSessions() {
      return db.query<SessionRecord>(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE revoked_at IS NOT NULL AND expires_at > now()`,
      );
    },

    /** Marks the session revoked (once; later calls keep the first time) and returns it. */
    findAndRevokeSession(sessionId: string, userId: string) {
      return db.queryOne<SessionRecord>(
        `UPDATE sessions SET revoked_at = coalesce(revoked_at, now())
         WHERE id = $1 AND user_id = $2
         RETURNING ${SESSION_COLUMNS}`,
        [sessionId, userId],
      );
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
