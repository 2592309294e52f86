// What every scenario is given and gives back, so the runner and the smoke test treat them alike.
import type { AgoraUnderTest } from '../system/agora.js';
import type { CpuPerOperation } from '../system/cpu.js';
import type { GatewayKind } from '../system/gateways.js';

/** full: the numbers in the issue; quick: a tenth-ish, for a first look; smoke: seconds, for `npm test`. */
export type Scale = 'full' | 'quick' | 'smoke';

export interface BenchContext {
  agora: AgoraUnderTest;
  scale: Scale;
  /** The gateways to compare (Hive only when installed). */
  peers: readonly GatewayKind[];
  /** A line for the log. */
  log(line: string): void;
  /** The one status line of work in progress (overwritten in a terminal, every few seconds otherwise). */
  progress(line: string): void;
}

/** A fact the run established, e.g. "final count exact"; the smoke test asserts every one. */
export interface Check {
  what: string;
  ok: boolean;
}

export interface ScenarioReport {
  title: string;
  /** Markdown: tables and a few sentences on how the numbers were taken. */
  markdown: string[];
  /** SVG documents, written beside the report as bench/charts/<name>.svg. */
  charts: { name: string; title: string; svg: string }[];
  checks: Check[];
  /** CPU per operation per process, one entry per row of the scenario's CPU table (for the smoke test too). */
  cpu: CpuReading[];
  /** Gateways in the comparison that could not serve the scenario, and why (the error they gave). */
  unavailable: { gateway: GatewayKind; why: string }[];
}

/** One row of a scenario's CPU table. */
export interface CpuReading {
  row: string;
  /** The gateway the load went through, or the subgraph called directly (no gateway process). */
  servedBy: GatewayKind | 'subgraph';
  cpu: CpuPerOperation;
}

export interface Scenario {
  name: string;
  describe: string;
  run(context: BenchContext): Promise<ScenarioReport>;
}

/** Picks the number for the scale the run is at. */
export function byScale<T>(scale: Scale, values: Record<Scale, T>): T {
  return values[scale];
}
