export { TEST_DATABASE_SERVER, createTestDatabase, uniqueTag, type TestDatabase } from './databases.js';
export { MessageQueue } from './messageQueue.js';
export { TEST_REDIS_URL, testRedisPrefix } from './redis.js';
