// CPU time per process over a measured phase, from Linux's /proc: utime + stime of every
// process involved (the gateway, the subgraphs, PostgreSQL, Redis, the load generator), read
// just before the phase and just after it, divided by the operations the phase completed.
// On a shared machine a request rate moves with whatever else runs; the CPU one operation
// costs each process moves far less, so this is the figure to compare across runs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The processes the report has a column for, in its order. */
export const CPU_COLUMNS = ['gateway', 'subgraphs', 'PostgreSQL', 'Redis', 'load generator'] as const;
export type CpuColumn = (typeof CPU_COLUMNS)[number];

/** One process as /proc/<pid>/stat gives it, CPU times in clock ticks. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** The command name (`comm`), e.g. postgres, redis-server, node, grafbase. */
  name: string;
  /** pid and start time together: a pid the kernel reused for another process is another key. */
  key: string;
  /** utime + stime: the process's own CPU, all its threads. */
  ticks: number;
  /** cutime + cstime: what its children spent, added once it has reaped them. */
  reapedChildTicks: number;
}

/** Every process on the machine, by pid, at one moment. */
export type ProcessTable = ReadonlyMap<number, ProcessStat>;

/** One column's processes, chosen from the table at each reading (backends come and go). */
export interface ProcessGroup {
  column: CpuColumn;
  select(table: ProcessTable): readonly ProcessStat[];
  /**
   * Whether the group's processes are each other's parents (a postmaster and its backends), so
   * that a member which exits during the phase is still counted, from its parent's cutime.
   */
  spawnsMembers: boolean;
}

/** The group's processes at one moment, keyed by ProcessStat.key. */
type GroupReading = ReadonlyMap<string, ProcessStat>;

export interface CpuSnapshot {
  /** performance.now() when it was taken. */
  at: number;
  groups: ReadonlyMap<CpuColumn, GroupReading>;
}

/** What one measured phase cost, per operation it completed. */
export interface CpuPerOperation {
  operations: number;
  /** Wall-clock seconds between the two readings. */
  wallSeconds: number;
  /** CPU seconds each measured group spent in the phase. */
  seconds: Partial<Record<CpuColumn, number>>;
  /** µs of CPU per operation, each measured group; a group not in the phase (no gateway) is absent. */
  microsecondsPerOperation: Partial<Record<CpuColumn, number>>;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`), the unit of /proc's CPU times. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const reported = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(reported) && reported > 0 ? reported : 100;
    } catch {
      // getconf missing: USER_HZ is 100 on every Linux architecture Node runs on.
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Parses /proc/<pid>/stat (proc(5)); undefined when it is not in the expected shape. */
export function parseProcessStat(pid: number, stat: string): ProcessStat | undefined {
  // The name (field 2) is in parentheses and may hold spaces or ')': fields resume after the last ')'.
  const close = stat.lastIndexOf(')');
  const open = stat.indexOf('(');
  if (open < 0 || close < open) return undefined;
  // From there index 0 is field 3 (state): ppid (4), utime (14), stime (15), cutime (16),
  // cstime (17) and starttime (22) are at 1, 11, 12, 13, 14 and 19.
  const fields = stat.slice(close + 2).split(' ');
  const [ppid, utime, stime, cutime, cstime] = [1, 11, 12, 13, 14].map((index) => Number(fields[index]));
  const started = fields[19];
  const numbers = [ppid, utime, stime, cutime, cstime];
  if (started === undefined || !numbers.every((value) => value !== undefined && Number.isFinite(value)))
    return undefined;
  return {
    pid,
    ppid: ppid as number,
    name: stat.slice(open + 1, close),
    key: `${pid}@${started}`,
    ticks: (utime as number) + (stime as number),
    reapedChildTicks: (cutime as number) + (cstime as number),
  };
}

/**
 * Every process now. Synchronous on purpose: it is about a hundred small reads from /proc (a
 * few ms), taken right at a phase's edge without yielding to the load it measures.
 */
export function readProcessTable(): ProcessTable {
  const table = new Map<number, ProcessStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const parsed = parseProcessStat(pid, readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (parsed !== undefined) table.set(pid, parsed);
    } catch {
      // Exited between the listing and the read: not part of this reading.
    }
  }
  return table;
}

/** `roots` and every process below them. */
function withDescendants(table: ProcessTable, roots: readonly ProcessStat[]): ProcessStat[] {
  const members = new Map(roots.map((stat) => [stat.pid, stat]));
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of table.values())
      if (!members.has(stat.pid) && members.has(stat.ppid)) {
        members.set(stat.pid, stat);
        grew = true;
      }
  }
  return [...members.values()];
}

/** One process and its children (a gateway, the subgraphs' process): read again at every reading. */
export function processTreeGroup(column: CpuColumn, pid: () => number): ProcessGroup {
  return {
    column,
    spawnsMembers: true,
    select: (table) => {
      const root = table.get(pid());
      return root === undefined ? [] : withDescendants(table, [root]);
    },
  };
}

/**
 * Every server named `name` and all below it: for PostgreSQL, each postmaster (a postgres
 * process whose parent is not one) with its background workers and every backend.
 */
export function serverGroup(column: CpuColumn, name: string): ProcessGroup {
  return {
    column,
    spawnsMembers: true,
    select: (table) => {
      const servers = [...table.values()].filter((stat) => stat.name === name && table.get(stat.ppid)?.name !== name);
      return withDescendants(table, servers);
    },
  };
}

/** A process's command line as `ps` shows it (PostgreSQL backends rewrite theirs); '' once it has exited. */
function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * The PostgreSQL backends serving databases whose names start with `databasePrefix` (a
 * backend's command line reads `postgres: [cluster:] user database host(port) activity`).
 * The server is shared with whatever else runs on this machine, so only this run's own
 * connections are counted; the server's background processes (WAL writer, checkpointer) and
 * a backend that exits between the two readings are not.
 */
export function databaseBackendsGroup(
  column: CpuColumn,
  databasePrefix: string,
  commandLine: (pid: number) => string = readCommandLine,
): ProcessGroup {
  const servesThisRun = (pid: number) =>
    commandLine(pid)
      .split(/\s+/)
      .some((word) => word.startsWith(databasePrefix));
  return {
    column,
    spawnsMembers: false,
    select: (table) =>
      [...table.values()].filter(
        (stat) => stat.name === 'postgres' && table.get(stat.ppid)?.name === 'postgres' && servesThisRun(stat.pid),
      ),
  };
}

/**
 * This process alone: the load generator (closed loops, virtual users, watchers). Not its
 * children: those are the gateways and the subgraphs this bench started, each its own column.
 */
export function loadGeneratorGroup(): ProcessGroup {
  return {
    column: 'load generator',
    spawnsMembers: false,
    select: (table) => {
      const own = table.get(process.pid);
      return own === undefined ? [] : [own];
    },
  };
}

export function takeCpuSnapshot(groups: readonly ProcessGroup[], table = readProcessTable()): CpuSnapshot {
  const readings = new Map<CpuColumn, GroupReading>();
  for (const group of groups)
    readings.set(group.column, new Map(group.select(table).map((stat) => [stat.key, stat] as const)));
  return { at: performance.now(), groups: readings };
}

/**
 * Ticks one group spent between two readings. A member at both counts its difference; one
 * born in the phase counts its whole time. One that exited (a backend whose connection the
 * pool closed) no longer has a stat: its parent's cutime grew by its whole life once reaped,
 * so the parents' cutime growth counts it, less what it had spent before the phase.
 */
function groupTicks(start: GroupReading, end: GroupReading, spawnsMembers: boolean): number {
  let ticks = 0;
  for (const [key, stat] of end) {
    const before = start.get(key);
    ticks += stat.ticks - (before?.ticks ?? 0);
    if (spawnsMembers && before !== undefined) ticks += stat.reapedChildTicks - before.reapedChildTicks;
  }
  if (!spawnsMembers) return ticks;
  const startPids = new Set([...start.values()].map((stat) => stat.pid));
  for (const [key, stat] of start)
    if (!end.has(key) && startPids.has(stat.ppid)) ticks -= stat.ticks + stat.reapedChildTicks;
  return ticks;
}

/** A phase's CPU per operation: Δ CPU ÷ operations, in µs, for each group read at both ends. */
export function cpuPerOperation(
  groups: readonly ProcessGroup[],
  start: CpuSnapshot,
  end: CpuSnapshot,
  operations: number,
): CpuPerOperation {
  const seconds: Partial<Record<CpuColumn, number>> = {};
  const microsecondsPerOperation: Partial<Record<CpuColumn, number>> = {};
  for (const group of groups) {
    const before = start.groups.get(group.column);
    const after = end.groups.get(group.column);
    if (before === undefined || after === undefined) continue;
    const spent = Math.max(0, groupTicks(before, after, group.spawnsMembers)) / clockTicksPerSecond();
    seconds[group.column] = spent;
    if (operations > 0) microsecondsPerOperation[group.column] = (spent * 1e6) / operations;
  }
  return { operations, wallSeconds: (end.at - start.at) / 1000, seconds, microsecondsPerOperation };
}

export interface CpuMeter {
  /** Reads the groups again and divides what they spent since the start by `operations`. */
  finish(operations: number): CpuPerOperation;
}

/** Reads the groups now; `finish` reads them again at the phase's end. */
export function startCpuMeter(groups: readonly ProcessGroup[]): CpuMeter {
  const start = takeCpuSnapshot(groups);
  return { finish: (operations) => cpuPerOperation(groups, start, takeCpuSnapshot(groups), operations) };
}

export interface BenchProcesses {
  /** The gateway under test, if the phase goes through one (not for the subgraph called directly). */
  gatewayPid?: number;
  /** The all-in-one's process: all six subgraphs (asked at each reading: a restart changes it). */
  subgraphsPid(): number;
  /** The prefix of this run's databases, whose PostgreSQL backends are counted. */
  databasePrefix: string;
}

/**
 * Every process a phase's work lands on. For PostgreSQL, the backends of this run's databases
 * (the server is shared); Redis serves every client from one process, so it is the whole
 * server, shared with whatever else uses it meanwhile.
 */
export function benchProcessGroups(processes: BenchProcesses): ProcessGroup[] {
  const { gatewayPid } = processes;
  return [
    ...(gatewayPid === undefined ? [] : [processTreeGroup('gateway', () => gatewayPid)]),
    processTreeGroup('subgraphs', processes.subgraphsPid),
    databaseBackendsGroup('PostgreSQL', processes.databasePrefix),
    serverGroup('Redis', 'redis-server'),
    loadGeneratorGroup(),
  ];
}
