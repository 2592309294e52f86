import { createDb, ensureDatabase, redactUrl, runMigrations, sqlState, type Db } from '@agora/db';
import type { Logger } from './logger.js';

export interface OpenDatabaseOptions {
  service: string;
  url: string;
  migrationsDir: string;
  logger: Logger;
  maxConnections?: number;
  /** How long an unused pooled connection stays open (the pool's default when undefined). */
  idleTimeoutMs?: number;
  /** Called for every statement sent (tests count round trips with it). */
  onQuery?: (sql: string) => void;
}

/**
 * A service's own database, ready to use: created when missing, migrated to the latest
 * version, and pooled.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  try {
    await ensureDatabase(options.url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(options.url)}: ${reason}`);
  }
  const db = createDb({
    connectionString: options.url,
    applicationName: `agora-${options.service}`,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.onQuery === undefined ? {} : { onQuery: options.onQuery }),
    onIdleError: (error) => {
      // 57P01: the server is shutting down (a restart, or the all-in-one mode stopping).
      const level = sqlState(error) === '57P01' ? 'debug' : 'warn';
      options.logger[level]('idle database connection closed by the server', { error });
    },
  });
  try {
    const applied = await runMigrations(db, options.migrationsDir);
    if (applied.length > 0) options.logger.info('applied migrations', { applied });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
