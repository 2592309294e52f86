import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from './db.js';

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in version order; anything else in the folder is an error. */
export async function readMigrations(directory: string): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = FILE_PATTERN.exec(file);
      if (match?.[1] === undefined) {
        throw new Error(`Migration file "${file}" must be named NNNN_snake_case.sql`);
      }
      const sql = await readFile(path.join(directory, file), 'utf8');
      return { version: match[1], name: file, sql, checksum: sha256(sql) };
    }),
  );
}

/**
 * Applies the migrations not applied yet, all in one transaction (a failing file leaves
 * nothing half-applied) under an advisory lock, so that replicas starting together apply
 * each file once. A file changed after it was applied is refused: migrations are append-only.
 */
export async function runMigrations(db: Db, directory: string): Promise<string[]> {
  const migrations = await readMigrations(directory);
  return db.transaction(async (tx) => {
    await tx.execute(`SELECT pg_advisory_xact_lock(hashtext('agora.migrations'))`);
    await tx.execute(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    text PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const applied = new Map(
      (
        await tx.query<{ version: string; checksum: string; name: string }>(
          'SELECT version, checksum, name FROM schema_migrations',
        )
      ).map((row) => [row.version, row]),
    );
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous !== undefined) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied (as ${previous.name}); add a new migration instead`,
          );
        }
        continue;
      }
      await tx.execute(migration.sql);
      await tx.execute('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      newlyApplied.push(migration.name);
    }
    return newlyApplied;
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
