import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@agora/testkit';
import { runMigrations } from '../index.js';

describe('runMigrations', () => {
  let database: TestDatabase;
  let directory: string;

  beforeEach(async () => {
    database = await createTestDatabase('migrations');
    directory = await mkdtemp(path.join(tmpdir(), 'agora-migrations-'));
  });

  afterEach(async () => {
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('should apply each file once when run twice', async () => {
    await writeFile(path.join(directory, '0001_create_things.sql'), 'CREATE TABLE things (id int PRIMARY KEY);');
    await writeFile(path.join(directory, '0002_seed_one.sql'), 'INSERT INTO things VALUES (1);');

    expect(await runMigrations(database.db, directory)).toEqual(['0001_create_things.sql', '0002_seed_one.sql']);
    expect(await runMigrations(database.db, directory)).toEqual([]);
    expect(await database.db.query('SELECT id FROM things')).toEqual([{ id: 1 }]);
  });

  it('should apply every file concurrently started replicas see exactly once', async () => {
    await writeFile(path.join(directory, '0001_create_things.sql'), 'CREATE TABLE things (id int PRIMARY KEY);');
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(database.db, directory)));
    expect(results.flat()).toEqual(['0001_create_things.sql']);
  });

  it('should leave nothing applied when a later file fails', async () => {
    await writeFile(path.join(directory, '0001_create_things.sql'), 'CREATE TABLE things (id int PRIMARY KEY);');
    await writeFile(path.join(directory, '0002_broken.sql'), 'INSERT INTO nowhere VALUES (1);');
    await expect(runMigrations(database.db, directory)).rejects.toThrow('relation "nowhere" does not exist');
    const tables = await database.db.query(`SELECT to_regclass('things') AS things`);
    expect(tables).toEqual([{ things: null }]);
  });

  it('should refuse a migration edited after it was applied', async () => {
    const file = path.join(directory, '0001_create_things.sql');
    await writeFile(file, 'CREATE TABLE things (id int PRIMARY KEY);');
    await runMigrations(database.db, directory);
    await writeFile(file, 'CREATE TABLE things (id bigint PRIMARY KEY);');
    await expect(runMigrations(database.db, directory)).rejects.toThrow(
      'Migration 0001_create_things.sql was changed after it was applied',
    );
  });

  it('should refuse a file that does not follow the naming rule', async () => {
    await writeFile(path.join(directory, 'create.sql'), 'SELECT 1;');
    await expect(runMigrations(database.db, directory)).rejects.toThrow('must be named NNNN_snake_case.sql');
  });
});
