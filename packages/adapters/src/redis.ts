import { Redis } from 'ioredis';

/**
 * A Redis connection that fails a command after a couple of retries instead of
 * queueing it for minutes while the server is away, so callers can decide what a
 * missing Redis means for them.
 */
export function connectRedis(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName: `agora-${connectionName}`,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  });
}
