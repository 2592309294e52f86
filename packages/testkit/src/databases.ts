import { randomBytes } from 'node:crypto';
import { createDb, dropDatabase, ensureDatabase, withDatabase, type Db } from '@agora/db';

/** The PostgreSQL server tests create their databases on. */
export const TEST_DATABASE_SERVER = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A short random tag, so parallel test files never share a database or key. */
export function uniqueTag(): string {
  return randomBytes(5).toString('hex');
}

export interface TestDatabase {
  url: string;
  /** A pool on the database that counts the statements it sends. */
  db: Db;
  /** Statements sent through `db` since the last `resetQueryCount()`. */
  queryCount(): number;
  resetQueryCount(): void;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one test file. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const url = withDatabase(TEST_DATABASE_SERVER, `agora_test_${label}_${uniqueTag()}`);
  await ensureDatabase(url);
  let count = 0;
  const db = createDb({ connectionString: url, maxConnections: 5, onQuery: () => void count++ });
  return {
    url,
    db,
    queryCount: () => count,
    resetQueryCount: () => {
      count = 0;
    },
    async drop() {
      await db.close();
      await dropDatabase(url);
    },
  };
}
