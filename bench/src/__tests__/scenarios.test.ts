// One quick run of every benchmark scenario (seconds, not minutes), so they cannot rot: each
// must run end to end against Agora and establish every fact it checks (exact counts, every
// answer well-formed). The timings they print are not looked at here.
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from '@agora/testkit';
import { SCENARIOS } from '../run.js';
import type { BenchContext, Scenario } from '../scenarios/scenario.js';
import { startAgoraUnderTest, type AgoraUnderTest } from '../system/agora.js';
import { hiveInstalled, type GatewayKind } from '../system/gateways.js';

describe('benchmark scenarios at smoke scale', () => {
  let agora: AgoraUnderTest;
  let peers: GatewayKind[];
  const lines: string[] = [];

  beforeAll(async () => {
    agora = await startAgoraUnderTest({ databaseServerUrl: TEST_DATABASE_SERVER, redisUrl: TEST_REDIS_URL }, (line) =>
      lines.push(line),
    );
    // Hive Gateway is installed by `npm run bench` only (outside the product's dependencies).
    peers = (await hiveInstalled()) ? ['agora', 'apollo', 'hive'] : ['agora', 'apollo'];
  }, 180_000);

  afterAll(async () => {
    await agora?.stop();
  }, 60_000);

  async function runAtSmokeScale(scenario: Scenario) {
    const context: BenchContext = {
      agora,
      scale: 'smoke',
      peers,
      log: (line) => lines.push(line),
      progress: () => {},
    };
    return scenario.run(context);
  }

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    'should run %s end to end and establish every fact it checks',
    async (_name, scenario) => {
      const report = await runAtSmokeScale(scenario);

      expect(report.checks.length).toBeGreaterThan(0);
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      expect(report.markdown.join('\n')).toMatch(/\|/);
      for (const chart of report.charts)
        expect(chart.svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    },
    300_000,
  );
});
