// One quick run of every benchmark scenario (seconds, not minutes), so they cannot rot: each
// must run end to end against Agora, establish every fact it checks (exact counts, every
// answer well-formed), and measure what every process it ran spent per operation. The timings
// and the CPU figures themselves are not judged here, only that they were taken.
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from '@agora/testkit';
import { SCENARIOS } from '../run.js';
import type { BenchContext, CpuReading, Scenario } from '../scenarios/scenario.js';
import { startAgoraUnderTest, type AgoraUnderTest } from '../system/agora.js';
import { CPU_COLUMNS, type CpuColumn } from '../system/cpu.js';
import { installedGateways, type GatewayKind } from '../system/gateways.js';

/** The scenarios that compare gateways side by side; the shop runs through Agora's alone. */
const SIDE_BY_SIDE = new Set(['top50', 'signing']);

describe('benchmark scenarios at smoke scale', () => {
  let agora: AgoraUnderTest;
  let peers: GatewayKind[];
  const lines: string[] = [];

  beforeAll(async () => {
    agora = await startAgoraUnderTest({ databaseServerUrl: TEST_DATABASE_SERVER, redisUrl: TEST_REDIS_URL }, (line) =>
      lines.push(line),
    );
    // Hive Gateway and Grafbase are installed by `npm run bench` only (outside the product's dependencies).
    peers = await installedGateways();
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

  /**
   * Every process the row's load went through has a reading, and the two that work for every
   * operation spent something: the load generator and what answers it (the gateway, or the
   * subgraph called directly). The others can be idle in a row: Agora answers a GET by hash
   * from its cache, without the subgraphs.
   */
  function expectCpuOfEveryProcess(reading: CpuReading): void {
    const perOperation = reading.cpu.microsecondsPerOperation;
    expect(reading.cpu.operations).toBeGreaterThan(0);
    const expected = CPU_COLUMNS.filter((column) => column !== 'gateway' || reading.servedBy !== 'subgraph');
    expect(Object.keys(perOperation).sort()).toEqual([...expected].sort());
    for (const column of expected) expect(Number.isFinite(perOperation[column])).toBe(true);
    const busy: CpuColumn[] = ['load generator', reading.servedBy === 'subgraph' ? 'subgraphs' : 'gateway'];
    for (const column of busy) {
      // Named, so a failure says which process of which row read nothing.
      expect({ row: reading.row, column, positive: (perOperation[column] ?? 0) > 0 }).toEqual({
        row: reading.row,
        column,
        positive: true,
      });
    }
  }

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    'should run %s end to end, establish every fact it checks and read each process CPU per operation',
    async (name, scenario) => {
      const report = await runAtSmokeScale(scenario);

      expect(report.checks.length).toBeGreaterThan(0);
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      expect(report.markdown.join('\n')).toMatch(/\|/);
      for (const chart of report.charts)
        expect(chart.svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

      // CPU per operation: a reading for every row, from every process that ran.
      expect(report.cpu.length).toBeGreaterThan(0);
      for (const reading of report.cpu) expectCpuOfEveryProcess(reading);
      // The subgraphs, PostgreSQL and Redis can spend less than a clock tick in one short row
      // (the subgraph's direct top-50 needs no PostgreSQL); over the scenario, which executes
      // operations, reads and writes both, each must have spent something.
      for (const column of ['subgraphs', 'PostgreSQL', 'Redis'] as const) {
        const spent = report.cpu.reduce((sum, reading) => sum + (reading.cpu.seconds[column] ?? 0), 0);
        expect({ column, positive: spent > 0 }).toEqual({ column, positive: true });
      }
      const markdown = report.markdown.join('\n');
      for (const column of CPU_COLUMNS) expect(markdown).toContain(`| ${column} µs/op |`);

      // Side by side: every installed gateway served the scenario, and has its rows.
      if (SIDE_BY_SIDE.has(name)) {
        expect(report.unavailable).toEqual([]);
        const served = new Set(report.cpu.map((reading) => reading.servedBy));
        expect([...peers, 'subgraph'].filter((kind) => !served.has(kind as GatewayKind | 'subgraph'))).toEqual([]);
        if (peers.includes('grafbase')) expect(markdown).toMatch(/gateway ÷ Grafbase \|/);
      }
    },
    300_000,
  );
});
