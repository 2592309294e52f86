import { MAX_SHUTDOWN_DELAY_MS, readTracingEndpoint } from '@agora/config';
import type { Logger } from './logger.js';
import { startTracing, type Tracing } from './telemetry/tracing.js';

const FORCE_EXIT_AFTER_MS = 1_000;

/**
 * How long an orderly stop may take before the process exits anyway: the longest
 * SHUTDOWN_DELAY_MS, 10 s to drain requests, and a margin. Container platforms must allow
 * more before they kill (compose: stop_grace_period; Kubernetes: terminationGracePeriodSeconds).
 */
const SHUTDOWN_DEADLINE_MS = MAX_SHUTDOWN_DELAY_MS + 10_000 + 5_000;

export interface Stoppable {
  stop(): Promise<void>;
}

export interface RunOptions {
  logger: Logger;
  /** How long shutdown may take before the process exits anyway. */
  shutdownTimeoutMs?: number;
}

/**
 * The process edge of a service: starts it, stops it cleanly once on SIGINT or SIGTERM,
 * and turns a start-up failure into one clear line and a non-zero exit. Signals are heard
 * from the first moment: one that arrives while the service starts stops it once it has.
 */
export async function runService(name: string, start: () => Promise<Stoppable>, options: RunOptions): Promise<void> {
  const { logger } = options;
  let tracing: Tracing | undefined;
  const starting = (async () => {
    // Before the service, so that its first request is already traced.
    tracing = startTracing({ serviceName: name, otlpEndpoint: readTracingEndpoint(process.env) });
    return start();
  })();
  // Handled below; this only keeps an early failure from counting as unhandled meanwhile.
  starting.catch(() => undefined);

  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice (from the terminal and relayed by a parent process);
      // only a deliberate second one, a moment later, cuts the shutdown short.
      if (Date.now() - stoppingSince < FORCE_EXIT_AFTER_MS) return;
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info(`${signal} received: shutting down`);
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    starting
      .then((service) => service.stop())
      // What spans are still buffered go out before the process does.
      .then(() => tracing?.shutdown())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await starting;
  } catch (error) {
    logger.error(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    // Let the log line flush; anything still open must not keep a failed process alive.
    setTimeout(() => process.exit(1), 100).unref();
  }
}
