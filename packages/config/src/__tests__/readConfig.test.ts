import { ConfigError, readConfig, readServiceConfig } from '../index.js';

describe('readConfig', () => {
  it('should list every problem at once when several settings are wrong', () => {
    const read = () =>
      readConfig('users', { PORT: 'eighty', NODE_ENV: 'staging', REDIS_URL: 'http://x' }, (r) =>
        readServiceConfig(r, 4001),
      );
    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringContaining('GATEWAY_SECRET is required'),
        'PORT must be an integer from 0 to 65535, got "eighty"',
        'NODE_ENV must be one of development, production, test, got "staging"',
        'REDIS_URL must be a redis: or rediss: URL, got "http:"',
      ]);
    }
  });

  it('should apply documented defaults when only the secret is set', () => {
    const config = readConfig('users', { GATEWAY_SECRET: 'a'.repeat(32) }, (r) => readServiceConfig(r, 4001));
    expect(config).toEqual({
      port: 4001,
      host: '0.0.0.0',
      production: false,
      gatewaySecret: 'a'.repeat(32),
      redisUrl: undefined,
      redisPrefix: 'agora',
      shutdownDelayMs: 0,
    });
  });

  it('should keep serving 5 s after SIGTERM in production unless told otherwise', () => {
    const env = { GATEWAY_SECRET: 'a'.repeat(32), NODE_ENV: 'production' };
    expect(readConfig('users', env, (r) => readServiceConfig(r, 4001)).shutdownDelayMs).toBe(5_000);
    const told = { ...env, SHUTDOWN_DELAY_MS: '250' };
    expect(readConfig('users', told, (r) => readServiceConfig(r, 4001)).shutdownDelayMs).toBe(250);
  });

  it('should refuse a gateway secret that is too short', () => {
    expect(() => readConfig('users', { GATEWAY_SECRET: 'short' }, (r) => readServiceConfig(r, 4001))).toThrow(
      'GATEWAY_SECRET must be at least 16 characters long',
    );
  });
});

describe('EnvReader.pem', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n';

  it('should read a key written on one line with \\n escapes', () => {
    const escaped = pem.replace(/\n/g, '\\n');
    expect(readConfig('gateway', { KEY: escaped }, (r) => r.pem('KEY', 'a key'))).toBe(pem);
  });

  it('should refuse a value that is not a PEM block', () => {
    expect(() => readConfig('gateway', { KEY: 'not a key' }, (r) => r.pem('KEY', 'a key'))).toThrow(
      'KEY must be a PEM block',
    );
  });
});
