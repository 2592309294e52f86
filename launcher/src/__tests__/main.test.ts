import http from 'node:http';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, dropDatabase, withDatabase } from '@agora/db';
import { SUBGRAPHS } from '@agora/schema';
import { TEST_DATABASE_SERVER, createTestSubscriber, dataOf, postGraphQL, uniqueTag } from '@agora/testkit';

const LAUNCHER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Every process launched here that has not ended yet: a failed or timed-out test leaves none running. */
const launched = new Set<ChildProcess>();

/** Starts `node --import tsx src/main.ts` as npm start does, and collects its output. */
function launch(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: LAUNCHER_DIR,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launched.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': only then has everything it printed been read.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      launched.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    /** Its exit code, once it has ended and its output is all in. */
    exited,
    output: () => output,
    /** Resolves with the first match of `pattern` in the output; fails if the process exits first. */
    waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`No ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        const check = () => {
          const match = pattern.exec(output);
          if (match !== null) {
            clearTimeout(timer);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Exited with ${code} before ${pattern}:\n${output}`));
        });
        check();
      });
    },
  };
}

/**
 * POSTs a query on a connection of its own, as a load balancer spreading requests would:
 * a server that stopped listening refuses it, where a kept-alive connection might still be
 * served. Throws unless the answer is HTTP 200 with data and no errors.
 */
function postOnNewConnection(url: string, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
        if (response.statusCode === 200 && parsed.data !== undefined && parsed.errors === undefined) resolve();
        else reject(new Error(`HTTP ${response.statusCode}: ${body.slice(0, 200)}`));
      });
    });
    request.end(JSON.stringify({ query }));
  });
}

describe('npm start', () => {
  let dataDir: string;
  const prefix = `agora_test_main_${uniqueTag()}_`;

  async function countSessions() {
    const db = createDb({ connectionString: withDatabase(TEST_DATABASE_SERVER, `${prefix}users`) });
    try {
      return (await db.queryOne<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))?.n;
    } finally {
      await db.close();
    }
  }

  /** `npm start` on the test PostgreSQL, on free ports, with this file's databases and folder. */
  const allInOne = (more: Record<string, string> = {}) => ({
    DATABASE_URL: TEST_DATABASE_SERVER,
    DATABASE_PREFIX: prefix,
    AGORA_DATA_DIR: dataDir,
    PORT: '0',
    SUBGRAPH_BASE_PORT: '0',
    METRICS_PORT: '0',
    WEB_PORT: '0',
    ...more,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'agora-main-'));
  });

  afterEach(() => {
    for (const child of launched) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await Promise.all(
      SUBGRAPHS.map(({ name }) => dropDatabase(withDatabase(TEST_DATABASE_SERVER, `${prefix}${name}`))),
    );
  });

  it("should print the gateway URL and the web app's, serve demo data there, and stop cleanly on SIGINT", async () => {
    // What the npm start script does before starting: build the web app.
    const build = spawnSync('npm', ['run', 'build', '-w', 'client-example'], {
      cwd: path.join(LAUNCHER_DIR, '..'),
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(build.status).toBe(0);
    const agora = launch([], allInOne());
    const [, url] = await agora.waitFor(/GraphQL \+ Apollo Sandbox: (http:\/\/\S+\/graphql)/);
    const [, webAppUrl] = await agora.waitFor(/Web app: (http:\/\/\S+\/)/);

    const result = await postGraphQL(
      url as string,
      '{ products(first: 1) { totalCount } openPetitions(first: 1) { totalCount } }',
    );
    const page = await fetch(webAppUrl as string);
    const config = await fetch(`${webAppUrl}config.json`);

    expect(dataOf(result)).toEqual({ products: { totalCount: 20 }, openPetitions: { totalCount: 10 } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    expect(await config.json()).toEqual({ gatewayUrl: url });
    expect(agora.output()).toContain('loading the demo data');
    agora.child.kill('SIGINT');
    expect(await agora.exited).toBe(0);
    expect(agora.output()).toContain('stopped');
  }, 120_000);

  it('should not load the demo data again on the next start', async () => {
    const sessionsBefore = await countSessions();
    const again = launch([], allInOne());
    await again.waitFor(/GraphQL \+ Apollo Sandbox: /);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(again.output()).not.toContain('loading the demo data');
    expect(await countSessions()).toBe(sessionsBefore);
  }, 60_000);

  it('should stop on SIGTERM under load with no failed request: readiness first, in-flight answered, watchers closed properly', async () => {
    const agora = launch([], allInOne({ SHUTDOWN_DELAY_MS: '4000' }));
    const [, url] = (await agora.waitFor(/GraphQL \+ Apollo Sandbox: (http:\/\/\S+\/graphql)/)) as [string, string];
    const petitionId = dataOf(
      await postGraphQL<{ openPetitions: { nodes: { id: string }[] } }>(
        url,
        '{ openPetitions(first: 1) { nodes { id } } }',
      ),
    ).openPetitions.nodes[0]?.id;
    const watcher = createTestSubscriber(url);
    const watch = watcher.subscribe(
      'subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }',
      {
        id: petitionId,
      },
    );
    await watch.results.next();

    // A load balancer's view: send while the instance is ready, stop once readiness fails.
    let routable = true;
    let signalled = false;
    let answeredNotReady = false;
    const tally = { ok: 0, failed: 0, okAfterSignal: 0 };
    const readiness = (async () => {
      while (routable) {
        const response = await fetch(url.replace(/\/graphql$/, '/health/ready')).catch(() => undefined);
        if (response?.status === 503) answeredNotReady = true;
        if (response?.status !== 200) routable = false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const worker = async () => {
      while (routable) {
        try {
          await postOnNewConnection(
            url,
            '{ openPetitions(first: 20) { nodes { title creator { name } signatureCount } } }',
          );
          tally.ok++;
          if (signalled) tally.okAfterSignal++;
        } catch {
          tally.failed++;
        }
      }
    };
    const workers = Promise.all(Array.from({ length: 8 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 300));
    signalled = true;
    agora.child.kill('SIGTERM');

    expect(await agora.exited).toBe(0);
    await Promise.all([workers, readiness]);
    expect(tally.failed).toBe(0);
    expect(tally.okAfterSignal).toBeGreaterThan(0);
    // graphql-ws's close for a server going away.
    expect(await watcher.closed).toBe(1001);
    // Readiness failed while the gateway still answered: the balancer was told before it closed.
    expect(answeredNotReady).toBe(true);
  }, 60_000);

  it('should refuse an unknown --service with a clear line and a non-zero exit', async () => {
    const run = launch(['--service', 'payments'], {});
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      '--service must be one of gateway, users, inventory, orders, financial, petitions, signatures; got "payments"',
    );
  });

  it('should start one service on its own with --service, and list every missing setting when it cannot', async () => {
    const missing = launch(['--service', 'orders'], { GATEWAY_SECRET: '', DATABASE_URL: '', INVENTORY_URL: '' });
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('GATEWAY_SECRET is required');
    expect(missing.output()).toContain('DATABASE_URL is required');
    expect(missing.output()).toContain('INVENTORY_URL is required');

    const inventory = launch(['--service', 'inventory'], {
      GATEWAY_SECRET: 'a-long-enough-gateway-secret',
      DATABASE_URL: withDatabase(TEST_DATABASE_SERVER, `${prefix}inventory`),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const [, url] = await inventory.waitFor(/inventory subgraph ready \{"url":"(http:\/\/[^"]+)"\}/);
    const live = await fetch((url as string).replace(/\/graphql$/, '/health/live'));
    expect(live.status).toBe(200);
    inventory.child.kill('SIGTERM');
    expect(await inventory.exited).toBe(0);
  }, 60_000);
});
