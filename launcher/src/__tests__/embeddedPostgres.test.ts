import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { silentLogger } from '@agora/service';
import { startEmbeddedPostgres } from '../embeddedPostgres.js';

describe('startEmbeddedPostgres', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'agora-embedded-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function query(url: string, sql: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('should create the data folder on the first start and find the same data on the next', async () => {
    const first = await startEmbeddedPostgres({ dataDir, password: 'secret-one', logger: silentLogger });
    try {
      await query(first.url, 'CREATE TABLE kept (value text)');
      await query(first.url, "INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir, password: 'secret-one', logger: silentLogger });
    try {
      expect(await query(second.url, 'SELECT value FROM kept')).toEqual([{ value: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  it('should refuse a wrong password', async () => {
    const server = await startEmbeddedPostgres({ dataDir, password: 'secret-one', logger: silentLogger });
    try {
      await expect(query(server.url.replace('secret-one', 'guess'), 'SELECT 1')).rejects.toThrow(
        /password authentication failed/,
      );
    } finally {
      await server.stop();
    }
  });
});

describe('startEmbeddedPostgres as root', () => {
  const asRoot = process.getuid?.() === 0 ? it : it.skip;

  asRoot('should keep the data in a shared folder when the postgres user cannot enter the chosen one', async () => {
    const privateDir = await mkdtemp(path.join(tmpdir(), 'agora-private-'));
    try {
      const server = await startEmbeddedPostgres({
        dataDir: path.join(privateDir, 'postgres'),
        movableDataDir: true,
        password: 'secret-two',
        logger: silentLogger,
      });
      try {
        expect(server.dataDir).toMatch(/agora-postgres-data-[0-9a-f]{12}$/);
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        await client.end();
      } finally {
        await server.stop();
        await rm(server.dataDir, { recursive: true, force: true });
      }
      await expect(
        startEmbeddedPostgres({ dataDir: path.join(privateDir, 'postgres'), password: 'x', logger: silentLogger }),
      ).rejects.toThrow(/the postgres user, who cannot enter/);
    } finally {
      await rm(privateDir, { recursive: true, force: true });
    }
  });
});

describe('startEmbeddedPostgres after an unclean end', () => {
  it('should stop a PostgreSQL its parent left behind, and ignore a pid file naming another process', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'agora-leftover-'));
    try {
      const orphan = await startEmbeddedPostgres({ dataDir: dir, password: 'p', logger: silentLogger });
      // As if the parent had been killed: the server runs on, holding the folder.
      const restarted = await startEmbeddedPostgres({ dataDir: dir, password: 'p', logger: silentLogger });
      try {
        const client = new pg.Client({ connectionString: restarted.url });
        await client.connect();
        await client.end();
      } finally {
        await restarted.stop();
      }
      await orphan.stop();

      // A pid file whose PID now belongs to this very test process, not to postgres.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`);
      const afterReboot = await startEmbeddedPostgres({ dataDir: dir, password: 'p', logger: silentLogger });
      await afterReboot.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
