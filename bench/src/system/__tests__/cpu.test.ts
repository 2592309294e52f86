import {
  clockTicksPerSecond,
  cpuPerOperation,
  databaseBackendsGroup,
  parseProcessStat,
  serverGroup,
  takeCpuSnapshot,
  type ProcessStat,
  type ProcessTable,
} from '../cpu.js';

/** A /proc/<pid>/stat line (proc(5)) with the fields this reads, the others zero. */
function statLine(stat: {
  pid: number;
  ppid: number;
  name: string;
  utime: number;
  stime: number;
  cutime?: number;
  started?: number;
}): string {
  const fields = Array.from({ length: 50 }, () => '0');
  // Index 0 here is field 3 (state).
  fields[0] = 'S';
  fields[1] = String(stat.ppid);
  fields[11] = String(stat.utime);
  fields[12] = String(stat.stime);
  fields[13] = String(stat.cutime ?? 0);
  fields[19] = String(stat.started ?? 1);
  return `${stat.pid} (${stat.name}) ${fields.join(' ')}`;
}

function table(stats: readonly Parameters<typeof statLine>[0][]): ProcessTable {
  return new Map(stats.map((stat) => [stat.pid, parseProcessStat(stat.pid, statLine(stat)) as ProcessStat]));
}

describe('parseProcessStat', () => {
  it('should read the fields after the last parenthesis when the name holds spaces and one', () => {
    const parsed = parseProcessStat(
      7,
      statLine({ pid: 7, ppid: 3, name: 'a b) c', utime: 11, stime: 4, cutime: 5, started: 99 }),
    );

    expect(parsed).toEqual({ pid: 7, ppid: 3, name: 'a b) c', key: '7@99', ticks: 15, reapedChildTicks: 5 });
  });

  it('should give undefined when the line is not a stat line', () => {
    expect(parseProcessStat(7, 'not a stat line')).toBeUndefined();
  });
});

describe('cpuPerOperation', () => {
  const postgres = [serverGroup('PostgreSQL', 'postgres')];

  it('should count a server with its backends, those that exited and those born during the phase', () => {
    const before = table([
      { pid: 10, ppid: 1, name: 'postgres', utime: 100, stime: 0 },
      { pid: 11, ppid: 10, name: 'postgres', utime: 40, stime: 10 },
      // Exits during the phase after 30 more ticks: the postmaster's cutime grows by its 50 + 30.
      { pid: 12, ppid: 10, name: 'postgres', utime: 50, stime: 0 },
      // Not PostgreSQL's.
      { pid: 20, ppid: 1, name: 'redis-server', utime: 500, stime: 0 },
    ]);
    const after = table([
      { pid: 10, ppid: 1, name: 'postgres', utime: 105, stime: 0, cutime: 80 },
      { pid: 11, ppid: 10, name: 'postgres', utime: 60, stime: 10 },
      { pid: 13, ppid: 10, name: 'postgres', utime: 7, stime: 3, started: 2 },
      { pid: 20, ppid: 1, name: 'redis-server', utime: 900, stime: 0 },
    ]);

    const cpu = cpuPerOperation(postgres, takeCpuSnapshot(postgres, before), takeCpuSnapshot(postgres, after), 100);

    // 5 (postmaster) + 20 (backend 11) + 30 (backend 12 in the phase) + 10 (backend 13) ticks.
    const seconds = 65 / clockTicksPerSecond();
    expect(cpu.seconds['PostgreSQL']).toBeCloseTo(seconds, 9);
    expect(cpu.microsecondsPerOperation['PostgreSQL']).toBeCloseTo((seconds * 1e6) / 100, 6);
    expect(cpu.operations).toBe(100);
  });

  it('should take a reused pid for a new process, not the old one carried on', () => {
    const before = table([
      { pid: 10, ppid: 1, name: 'postgres', utime: 100, stime: 0 },
      { pid: 11, ppid: 10, name: 'postgres', utime: 40, stime: 0, started: 5 },
    ]);
    const after = table([
      { pid: 10, ppid: 1, name: 'postgres', utime: 100, stime: 0, cutime: 40 },
      { pid: 11, ppid: 10, name: 'postgres', utime: 3, stime: 0, started: 9 },
    ]);

    const cpu = cpuPerOperation(postgres, takeCpuSnapshot(postgres, before), takeCpuSnapshot(postgres, after), 1);

    // The old 11 exited with no tick in the phase; the new 11 spent 3.
    expect(cpu.seconds['PostgreSQL']).toBeCloseTo(3 / clockTicksPerSecond(), 9);
  });

  it('should give no µs per operation when no operation completed', () => {
    const same = table([{ pid: 10, ppid: 1, name: 'postgres', utime: 100, stime: 0 }]);

    const cpu = cpuPerOperation(postgres, takeCpuSnapshot(postgres, same), takeCpuSnapshot(postgres, same), 0);

    expect(cpu.microsecondsPerOperation).toEqual({});
    expect(cpu.seconds).toEqual({ PostgreSQL: 0 });
  });
});

describe('databaseBackendsGroup', () => {
  it("should count only the backends of this run's databases, not the postmaster, its workers or others' backends", () => {
    const commandLines = new Map([
      [11, 'postgres: 15/main: postgres agora_bench_ab12_signatures 127.0.0.1(38450) idle   '],
      [12, 'postgres: 15/main: postgres agora_test_e2e_signatures 127.0.0.1(38452) idle'],
      [13, 'postgres: 15/main: walwriter   '],
    ]);
    const group = [databaseBackendsGroup('PostgreSQL', 'agora_bench_ab12_', (pid) => commandLines.get(pid) ?? '')];
    const processes = (ticks: number) =>
      table([
        { pid: 10, ppid: 1, name: 'postgres', utime: 100 + ticks, stime: 0 },
        { pid: 11, ppid: 10, name: 'postgres', utime: 10 + ticks, stime: 0 },
        { pid: 12, ppid: 10, name: 'postgres', utime: 20 + 3 * ticks, stime: 0 },
        { pid: 13, ppid: 10, name: 'postgres', utime: 30 + 5 * ticks, stime: 0 },
      ]);

    const cpu = cpuPerOperation(group, takeCpuSnapshot(group, processes(0)), takeCpuSnapshot(group, processes(7)), 1);

    expect(cpu.seconds['PostgreSQL']).toBeCloseTo(7 / clockTicksPerSecond(), 9);
  });
});
