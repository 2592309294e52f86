import { loadOrdersConfig } from '../config.js';

const REQUIRED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/agora_orders',
  GATEWAY_SECRET: 'a-secret-of-sixteen-or-more',
  INVENTORY_URL: 'http://inventory:4002/graphql',
  FINANCIAL_URL: 'http://financial:4004/graphql',
  USERS_URL: 'http://users:4001/graphql',
};

describe('checkout settings', () => {
  it('should ride out outages shorter than 8 s by default, recovering in batches after 30 s', () => {
    const { checkout } = loadOrdersConfig(REQUIRED);

    expect(checkout).toMatchObject({
      deadlineMs: 8_000,
      retry: { initialBackoffMs: 100, maxBackoffMs: 1_000 },
      recoveryDeadlineMs: 30_000,
      recoveryBatchSize: 100,
      recoveryConcurrency: 8,
    });
  });

  it('should refuse to start when recovery could take an order its checkout is still trying', () => {
    expect(() =>
      loadOrdersConfig({ ...REQUIRED, CHECKOUT_DEADLINE_MS: '8000', CHECKOUT_RECOVERY_DEADLINE_MS: '5000' }),
    ).toThrow('CHECKOUT_RECOVERY_DEADLINE_MS (5000) must be more than CHECKOUT_DEADLINE_MS (8000)');
  });

  it('should refuse a backoff cap below the first backoff', () => {
    expect(() =>
      loadOrdersConfig({ ...REQUIRED, CHECKOUT_RETRY_BACKOFF_MS: '500', CHECKOUT_RETRY_MAX_BACKOFF_MS: '100' }),
    ).toThrow('CHECKOUT_RETRY_MAX_BACKOFF_MS (100) must be at least CHECKOUT_RETRY_BACKOFF_MS (500)');
  });
});
