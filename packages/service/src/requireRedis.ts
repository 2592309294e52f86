import type { ServiceConfig } from '@agora/config';

/**
 * The Redis URL a service needs when it runs as its own process: in-process twins only
 * work when every service shares one process (all-in-one mode).
 */
export function requireRedisUrl(config: ServiceConfig, service: string, why: string): string {
  if (config.redisUrl === undefined) {
    throw new Error(`REDIS_URL is required when ${service} runs as its own process: ${why}`);
  }
  return config.redisUrl;
}
