// The CPU-per-operation table every scenario prints under its own table, with the same rows.
import { CPU_COLUMNS, clockTicksPerSecond, type CpuPerOperation } from '../system/cpu.js';
import { inlineCode } from './markdown.js';

export interface CpuRow {
  /** The row's leading cells (what was measured, its rate), as in the scenario's own table. */
  cells: readonly string[];
  cpu: CpuPerOperation;
  /** The Rust gateway's reading on the same load (same request, same connections), if measured. */
  ceiling?: CpuPerOperation;
}

/** µs with a decimal only where it matters (under 10 µs a whole number hides too much). */
function microseconds(value: number | undefined): string {
  if (value === undefined) return '–';
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

/** Every measured group's µs per operation, added up: what one operation cost the whole machine. */
function machineTotal(cpu: CpuPerOperation): number | undefined {
  const values = CPU_COLUMNS.map((column) => cpu.microsecondsPerOperation[column]).filter(
    (value): value is number => value !== undefined,
  );
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0);
}

/** The row's gateway µs/op over the ceiling's, e.g. "3.10×"; "–" when either has none. */
function overCeiling(row: CpuRow): string {
  const gateway = row.cpu.microsecondsPerOperation.gateway;
  const ceiling = row.ceiling?.microsecondsPerOperation.gateway;
  if (gateway === undefined || ceiling === undefined || ceiling === 0) return '–';
  return `${(gateway / ceiling).toFixed(2)}×`;
}

/** How the numbers were taken, said once above the table (a tick is the resolution of each reading). */
export function cpuMethod(operation: string, phase = 'the measured phase (warm-ups excluded)'): string {
  const tickMs = 1000 / clockTicksPerSecond();
  return [
    `CPU per ${operation}, in µs: each process's utime + stime from \`/proc/<pid>/stat\`, read at the start and at the end of ${phase}, divided by the ${operation}s completed in it.`,
    `The gateway and the subgraphs (all six in one process) are their processes; PostgreSQL is every backend connected to this run's databases (the server is shared with other work on this machine; its background processes, such as the WAL writer, are not counted, nor a backend that exits during the phase), Redis is \`redis-server\`, and the load generator is the bench's own process (its closed loops, and the watchers where there are some).`,
    `Redis is this machine's server, serving every client from one process, so anything else using it meanwhile shows there too. Each reading is in clock ticks of ${tickMs} ms: a process's number is within one tick over the phase, divided by its ${operation}s.`,
  ].join(' ');
}

/**
 * The table: the leading cells, the operations measured, µs per operation per process and
 * their sum, and, given `ceilingLabel`, the ceiling's gateway µs per operation on the same load
 * beside each row's, and the row's over it.
 */
export function cpuTable(leadingHeaders: readonly string[], rows: readonly CpuRow[], ceilingLabel?: string): string[] {
  const headers = [
    ...leadingHeaders,
    'operations',
    ...CPU_COLUMNS.map((column) => `${column} µs/op`),
    'all µs/op',
    ...(ceilingLabel === undefined ? [] : [`${ceilingLabel} gateway µs/op (same load)`, `gateway ÷ ${ceilingLabel}`]),
  ];
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => {
      const perProcess = CPU_COLUMNS.map((column) => microseconds(row.cpu.microsecondsPerOperation[column]));
      const cells = [...row.cells, String(row.cpu.operations), ...perProcess, microseconds(machineTotal(row.cpu))];
      if (ceilingLabel !== undefined)
        cells.push(microseconds(row.ceiling?.microsecondsPerOperation.gateway), overCeiling(row));
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/** Under a table with the ceiling's columns: what they are, or exactly why they are empty. */
export function ceilingNote(options: {
  /** The ceiling gateway's name in the report. */
  ceiling: string;
  installed: boolean;
  /** Its error, when it was installed but could not serve the scenario. */
  unavailableBecause?: string;
  /** What "the same load" is in this scenario. */
  sameLoad: string;
}): string {
  if (!options.installed)
    return `${options.ceiling} is not installed here (its npm package holds an x86-64 Linux binary only), so this run has no Rust ceiling.`;
  if (options.unavailableBecause !== undefined)
    return `${options.ceiling} could not serve this scenario, so its columns are empty: ${inlineCode(options.unavailableBecause)}`;
  return `The ${options.ceiling} columns are its own gateway process's µs per operation on ${options.sameLoad}: the Rust ceiling, beside each gateway's reading.`;
}
