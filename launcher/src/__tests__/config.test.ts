import { ConfigError } from '@agora/config';
import { loadLauncherConfig } from '../config.js';

describe('all-in-one settings', () => {
  it('should need nothing set, with the signatures service defaults for signing', () => {
    const config = loadLauncherConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.gatewayPort).toBe(4000);
    expect(config.subgraphPorts).toEqual({
      users: 4001,
      inventory: 4002,
      orders: 4003,
      financial: 4004,
      petitions: 4005,
      signatures: 4006,
    });
    expect(config.signing).toEqual({
      replicaSyncIntervalMs: 30_000,
      reconcileIntervalMs: 60_000,
      maxBatch: 500,
      limits: { perUser: 20, perAddress: 600 },
      replicaMaxAgeMs: null,
      countsSource: 'redis',
    });
  });

  it('should read the settings the services read, with their defaults', () => {
    expect(loadLauncherConfig({})).toMatchObject({
      trustedProxyHops: 0,
      coalesceMs: 100,
      openListReconcileIntervalMs: 60_000,
    });
    const config = loadLauncherConfig({
      SIGN_LIMIT_PER_USER: '5',
      SIGN_LIMIT_PER_ADDRESS: '50',
      TRUSTED_PROXY_HOPS: '1',
      SUBSCRIPTION_COALESCE_MS: '250',
      OPEN_LIST_RECONCILE_INTERVAL_MS: '5000',
    });
    expect(config.signing.limits).toEqual({ perUser: 5, perAddress: 50 });
    expect(config).toMatchObject({ trustedProxyHops: 1, coalesceMs: 250, openListReconcileIntervalMs: 5_000 });
  });

  it('should list every wrong setting at once', () => {
    try {
      loadLauncherConfig({ SIGN_LIMIT_PER_USER: '0', PORT: 'http' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^PORT must be an integer/),
        expect.stringMatching(/^SIGN_LIMIT_PER_USER must be an integer from 1/),
      ]);
    }
  });
});
