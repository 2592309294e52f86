import { Redis } from 'ioredis';

/** How long Agora waits on Redis. Every default is here and nowhere else. */
export interface RedisSettings {
  /**
   * Longest a command waits for its answer, and a connection with a command pending waits for
   * any byte (ioredis `commandTimeout` and `socketTimeout`). A silent Redis costs a caller this
   * much at most: the silent connection is then dropped, and until a new one is ready every
   * command fails at once, so callers go straight to their fallback.
   */
  commandTimeoutMs: number;
  /** Longest pause between two attempts to reconnect (they start 50 ms apart and grow by 50 ms). */
  reconnectMaxDelayMs: number;
  /**
   * How often a subscribing connection pings Redis, so that one gone silent is noticed (within
   * `commandTimeoutMs` of a ping), dropped and subscribed again.
   */
  heartbeatIntervalMs: number;
}

export const DEFAULT_REDIS_SETTINGS: Readonly<RedisSettings> = {
  commandTimeoutMs: 250,
  reconnectMaxDelayMs: 500,
  heartbeatIntervalMs: 1_000,
};

/** Longest wait for a TCP connection to Redis. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The settings `overrides` leaves at their defaults filled in. */
export function redisSettings(overrides: Partial<RedisSettings> = {}): RedisSettings {
  return { ...DEFAULT_REDIS_SETTINGS, ...overrides };
}

/**
 * A Redis connection whose commands never wait long, so callers can decide what a missing
 * Redis means for them (fail open or closed) within a bounded time: each command is tried
 * once, answered within `commandTimeoutMs`, and fails at once while the connection is down.
 * Only before the first connection is made do commands wait for it (no longer than an attempt
 * takes to fail), so a service starting alongside Redis does not lose its first commands.
 */
export function connectRedis(url: string, connectionName: string, overrides: Partial<RedisSettings> = {}): Redis {
  const settings = redisSettings(overrides);
  const redis = new Redis(url, {
    connectionName: `agora-${connectionName}`,
    connectTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: settings.commandTimeoutMs,
    // A command in flight when the connection drops fails then, and is not sent again later.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 50, settings.reconnectMaxDelayMs),
    // The offline queue and commandTimeout are switched below, once connected.
    enableOfflineQueue: true,
    // RedisPubSub subscribes again itself: ioredis would, but a failure there is an unhandled rejection.
    autoResubscribe: false,
  });
  redis.once('ready', () => {
    redis.options.commandTimeout = settings.commandTimeoutMs;
    redis.options.enableOfflineQueue = false;
  });
  // A lost connection reaches callers as failed commands, which they report (or fall back
  // from); without a listener ioredis would also print every failed reconnection to stderr.
  redis.on('error', () => {});
  // ioredis (5.x) leaves the socketTimeout timer of a closed connection armed, and when it
  // fires it drops whichever connection is current: a healthy new one, just made.
  redis.on('close', () => {
    const internals = redis as unknown as { socketTimeoutTimer?: NodeJS.Timeout | undefined };
    clearTimeout(internals.socketTimeoutTimer);
    internals.socketTimeoutTimer = undefined;
  });
  return redis;
}

/**
 * Closes a connection made by connectRedis: politely (QUIT) when it is up, at once when it is
 * not, so that closing never waits on a Redis that is away nor leaves a reconnection pending.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Lost while quitting: dropped below.
    }
  }
  redis.disconnect();
}
