export { UNIQUE_VIOLATION, createDb, sqlState, type Db, type DbOptions, type PoolStats, type Sql } from './db.js';
export { isDatabaseUnavailable } from './isDatabaseUnavailable.js';
export { databaseName, dropDatabase, ensureDatabase, redactUrl, withDatabase } from './ensureDatabase.js';
export { readMigrations, runMigrations, type Migration } from './migrations.js';
export { decodeCursor, encodeCursor, isUuid, type CursorPosition } from './pagination.js';
export { createByIdLoader, createByKeyLoader, createGroupLoader } from './loaders.js';
