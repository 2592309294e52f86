import { openPetition, registerUser, startTestAgora, type TestAgora } from '@agora/launcher/testing';
import { TEST_REDIS_URL, eventually, freePortsOutsideEphemeralRange, testRedisPrefix } from '@agora/testkit';
import { watchPetitions, type WatchView } from '../petitionWatcher.js';
import { retryDelayMs } from '../reconnecting.js';
import { renderView } from '../watch.js';
import { kill, killGatewayProcesses, queriesAnswered, startGatewayProcess } from './gatewayProcess.js';

const SIGN = 'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }';

describe('retryDelayMs', () => {
  const backoff = { initialMs: 500, maxMs: 30_000 };

  it('should double the bound with every attempt up to the cap, and spread waits below it', () => {
    const bounds = [0, 1, 2, 3, 10].map((attempt) => retryDelayMs(attempt, backoff, () => 0.999_999));
    const low = retryDelayMs(3, backoff, () => 0);
    const middle = retryDelayMs(3, backoff, () => 0.5);

    expect(bounds).toEqual([499, 999, 1_999, 3_999, 29_999]);
    expect(low).toBe(0);
    expect(middle).toBe(2_000);
  });
});

describe('renderView', () => {
  it('should show the connection, why it is down, and each count', () => {
    const view: WatchView = {
      connection: 'reconnecting',
      attempt: 3,
      retryInMs: 1_840,
      problem: 'the connection closed (1006)',
      counts: new Map([
        ['a', 12_345],
        ['b', undefined],
      ]),
    };

    expect(renderView(view)).toEqual([
      'Agora · reconnecting (attempt 3, next in 1.8 s) · the connection closed (1006)',
      '  a  12,345 signature(s)',
      '  b  …',
    ]);
  });

  it("should cut lines to the terminal's width, so that redrawing in place leaves no rows behind", () => {
    const view: WatchView = {
      connection: 'reconnecting',
      attempt: 12,
      retryInMs: undefined,
      problem: 'the gateway refused the connection (ECONNREFUSED)',
      counts: new Map([['0b3f6c1e-5a7d-4f2e-9c41-8d2a7e6b5f30', 7]]),
    };

    const lines = renderView(view, 40);

    expect(lines).toEqual(['Agora · reconnecting (attempt 12) · the…', '  0b3f6c1e-5a7d-4f2e-9c41-8d2a7e6b5f30 …']);
    expect(lines.every((line) => line.length <= 40)).toBe(true);
  });
});

describe('a mobile-style watcher across a gateway restart', () => {
  const redisPrefix = testRedisPrefix('watcher');
  let agora: TestAgora;

  beforeAll(async () => {
    agora = await startTestAgora({ redisUrl: TEST_REDIS_URL, redisPrefix });
  });

  afterAll(async () => {
    await killGatewayProcesses();
    await agora.stop();
  });

  async function sign(petitionId: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const answer = await agora.request(SIGN, { id: petitionId }, await agora.mintToken());
      expect(answer.data).toEqual({ signPetition: { __typename: 'Signature' } });
    }
  }

  it('should reconnect with backoff after the gateway is killed, and end on the exact count', async () => {
    const creator = await registerUser(agora, 'Watched');
    const petitionId = await openPetition(agora, creator.token, 'Watched through a restart');
    const port = await freePortsOutsideEphemeralRange();
    const gateway = (await startGatewayProcess(agora, port, redisPrefix)).child;
    const views: WatchView[] = [];
    const watcher = watchPetitions({
      gatewayUrl: `http://127.0.0.1:${port}/graphql`,
      token: await agora.mintToken(),
      petitionIds: [petitionId],
      onChange: (view) => views.push(view),
      backoff: { initialMs: 100, maxMs: 800 },
    });
    const countNow = () => watcher.view().counts.get(petitionId);
    try {
      await eventually(async () => watcher.view().connection === 'live' && countNow() === 0, 10_000);
      await sign(petitionId, 3);
      await eventually(async () => countNow() === 3, 10_000);

      await kill(gateway);
      await eventually(async () => watcher.view().connection === 'reconnecting', 10_000);
      // Signed through the other gateway while this one is down: pushed to nobody here.
      await sign(petitionId, 4);
      const restarted = await startGatewayProcess(agora, port, redisPrefix);
      await eventually(async () => watcher.view().connection === 'live' && countNow() === 7, 15_000);
      // It re-read the count over HTTP on reconnecting, not only waited for pushes.
      await eventually(async () => (await queriesAnswered(restarted.metricsUrl, 'CurrentCount')) >= 1, 5_000);
      await sign(petitionId, 2);
      await eventually(async () => countNow() === 9, 10_000);
    } finally {
      await watcher.stop();
    }

    const retries = views.filter((view) => view.connection === 'reconnecting' && view.retryInMs !== undefined);
    expect(retries.length).toBeGreaterThan(0);
    for (const view of retries) expect(view.retryInMs).toBeLessThan(Math.min(800, 100 * 2 ** (view.attempt - 1)));
    const seen = views.map((view) => view.counts.get(petitionId)).filter((count) => count !== undefined);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(9);
  }, 90_000);
});
