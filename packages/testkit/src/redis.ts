import { uniqueTag } from './databases.js';

/** The Redis server tests use; each test file works under its own key prefix. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key and channel prefix no other test file shares. */
export function testRedisPrefix(label: string): string {
  return `agora-test:${label}:${uniqueTag()}`;
}
