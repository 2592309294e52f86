// A Locust-like load runner: virtual users are spawned at a rate up to a target, phase by
// phase, and each repeats its loop of named steps until the schedule ends. Users are only
// ever added. When the schedule ends, a user finishes the step it is in and stops; the steps
// it had not started yet are not started.
import { Pool } from 'undici';
import { sleep } from '../stats.js';
import { refuseRemote } from './closedLoop.js';
import type { Sample } from './samples.js';

export interface Phase {
  /** Virtual users once this phase has spawned them all (never fewer than the phase before). */
  users: number;
  /** How fast the missing users are spawned. */
  spawnPerSecond: number;
  /** How long the phase lasts once every user is spawned. */
  holdSeconds: number;
}

/** One timed step; `at` (when it ended) is in ms since the run began. */
export interface StepSample extends Sample {
  step: string;
  /** Users spawned when the step ended. */
  activeUsers: number;
}

/** When a phase began, had spawned all its users, and ended (ms since the run began). */
export interface PhaseWindow extends Phase {
  startedAt: number;
  fullAt: number;
  endedAt: number;
}

export interface VirtualUser {
  /** 0, 1, 2… in spawn order. */
  id: number;
  /** Keep-alive connections to the origin, shared by every user (as many as users at most). */
  pool: Pool;
  /** Times `fn` as the step `name`; it fails when `fn` throws, which also ends this loop. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface VirtualUsersProgress {
  elapsedSeconds: number;
  activeUsers: number;
  steps: number;
  failed: number;
}

export interface VirtualUsersOptions {
  /** Where the steps send their requests; only this machine (refused otherwise). */
  origin: string;
  schedule: readonly Phase[];
  /**
   * One loop of a user; it runs again as soon as it ends (after the think time). An error
   * thrown outside a step is a bug in the loop: it ends the run and `runVirtualUsers` throws it.
   */
  loop(user: VirtualUser): Promise<void>;
  /** Pause between a user's loops; default 0. */
  thinkTimeMs?: number;
  /** Called about once a second. */
  onProgress?(progress: VirtualUsersProgress): void;
  /**
   * Called right as phase `index` has spawned all its users ('full') and as its hold ends
   * ('ended'), at the `fullAt` and `endedAt` its PhaseWindow will report; synchronous, so a
   * reading taken there is at that edge.
   */
  onHoldEdge?(index: number, edge: 'full' | 'ended'): void;
}

export interface VirtualUsersResult {
  samples: StepSample[];
  phases: PhaseWindow[];
  /** The first error each failing step threw, to say why in the report. */
  firstErrors: Map<string, string>;
}

/** Thrown by `step` once the schedule has ended, so the loop stops before its next step. */
class ScheduleEnded extends Error {}

export async function runVirtualUsers(options: VirtualUsersOptions): Promise<VirtualUsersResult> {
  refuseRemote(options.origin);
  const maxUsers = Math.max(...options.schedule.map((phase) => phase.users));
  const pool = new Pool(options.origin, {
    connections: maxUsers,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    // A straggler is a measurement, not a hang: give up on it only well past any SLO.
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const began = performance.now();
  const elapsed = () => performance.now() - began;
  const samples: StepSample[] = [];
  const firstErrors = new Map<string, string>();
  const users: Promise<void>[] = [];
  /** What failed steps threw, to tell them from a bug in the loop. */
  const stepErrors = new WeakSet<object>();
  let loopBug: { error: unknown } | undefined;
  let ended = false;
  let failed = 0;

  async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (ended) throw new ScheduleEnded();
    const start = performance.now();
    let ok = false;
    try {
      const result = await fn();
      ok = true;
      return result;
    } catch (error) {
      failed++;
      if (typeof error === 'object' && error !== null) stepErrors.add(error);
      if (!firstErrors.has(name)) firstErrors.set(name, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      const end = performance.now();
      samples.push({ step: name, at: end - began, ms: end - start, ok, activeUsers: users.length });
    }
  }

  async function userLoop(id: number): Promise<void> {
    const user: VirtualUser = { id, pool, step };
    while (!ended) {
      await options.loop(user).catch((error: unknown) => {
        // A failed step has been recorded; the user starts over, as a Locust task does.
        if (error instanceof ScheduleEnded || (typeof error === 'object' && error !== null && stepErrors.has(error)))
          return;
        loopBug ??= { error };
        ended = true;
      });
      if (options.thinkTimeMs !== undefined && options.thinkTimeMs > 0 && !ended) await sleep(options.thinkTimeMs);
    }
  }

  const progress = setInterval(
    () =>
      options.onProgress?.({
        elapsedSeconds: Math.round(elapsed() / 1000),
        activeUsers: users.length,
        steps: samples.length,
        failed,
      }),
    1_000,
  );
  const phases: PhaseWindow[] = [];
  try {
    for (const [index, phase] of options.schedule.entries()) {
      if (ended) break;
      const startedAt = elapsed();
      const interval = 1000 / phase.spawnPerSecond;
      // Spawn times are kept to the schedule (not to the last sleep), so the rate does not drift.
      for (let spawned = 0; users.length < phase.users && !ended; spawned++) {
        await sleep(Math.max(0, startedAt + spawned * interval - elapsed()));
        users.push(userLoop(users.length));
      }
      const fullAt = elapsed();
      options.onHoldEdge?.(index, 'full');
      await sleep(phase.holdSeconds * 1000);
      const endedAt = elapsed();
      options.onHoldEdge?.(index, 'ended');
      phases.push({ ...phase, startedAt, fullAt, endedAt });
    }
  } finally {
    ended = true;
    await Promise.all(users);
    clearInterval(progress);
    await pool.close();
  }
  if (loopBug !== undefined) throw loopBug.error;
  return { samples, phases, firstErrors };
}
