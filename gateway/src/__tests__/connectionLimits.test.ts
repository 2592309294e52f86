import { ConfigError, readConfig } from '@agora/config';
import { createAddressSlots, createOperationSlots, readConnectionLimits } from '../connectionLimits.js';

describe('readConnectionLimits', () => {
  it('should give a public deployment its defaults when nothing is set', () => {
    expect(readConfig('gateway', {}, readConnectionLimits)).toEqual({
      maxConnectionsPerAddress: 100,
      maxOperationsPerAddress: 300,
      httpTimeouts: { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 65_000 },
    });
  });

  it('should read every setting from the environment', () => {
    const env = {
      MAX_CONNECTIONS_PER_ADDRESS: '20',
      SUBSCRIPTIONS_PER_ADDRESS: '40',
      HTTP_HEADERS_TIMEOUT_MS: '5000',
      HTTP_REQUEST_TIMEOUT_MS: '20000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '620000',
    };
    expect(readConfig('gateway', env, readConnectionLimits)).toEqual({
      maxConnectionsPerAddress: 20,
      maxOperationsPerAddress: 40,
      httpTimeouts: { headersMs: 5_000, requestMs: 20_000, keepAliveMs: 620_000 },
    });
  });

  it('should refuse headers allowed longer than the whole request, which Node cannot serve', () => {
    const env = { HTTP_HEADERS_TIMEOUT_MS: '40000', HTTP_REQUEST_TIMEOUT_MS: '30000' };
    expect(() => readConfig('gateway', env, readConnectionLimits)).toThrow(ConfigError);
    expect(() => readConfig('gateway', env, readConnectionLimits)).toThrow(
      'HTTP_HEADERS_TIMEOUT_MS (40000) must not be over HTTP_REQUEST_TIMEOUT_MS (30000)',
    );
  });
});

describe('createAddressSlots', () => {
  it('should refuse an address holding the cap and take it again once a slot is given back', () => {
    const slots = createAddressSlots(2);
    const first = slots.take('203.0.113.7');
    expect(slots.take('203.0.113.7')).not.toBeNull();
    expect(slots.take('203.0.113.7')).toBeNull();
    expect(slots.take('203.0.113.8')).not.toBeNull();

    first?.();
    // Given back twice, counted once.
    first?.();
    expect(slots.take('203.0.113.7')).not.toBeNull();
    expect(slots.take('203.0.113.7')).toBeNull();
  });

  it('should count the addresses of one IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 one', () => {
    const slots = createAddressSlots(2);
    expect(slots.take('2001:db8:abcd:12::1')).not.toBeNull();
    expect(slots.take('2001:db8:abcd:12:ffff::2')).not.toBeNull();
    expect(slots.take('2001:db8:abcd:12::3')).toBeNull();
    expect(slots.take('2001:db8:abcd:13::1')).not.toBeNull();

    expect(slots.take('198.51.100.1')).not.toBeNull();
    expect(slots.take('::ffff:198.51.100.1')).not.toBeNull();
    expect(slots.take('198.51.100.1')).toBeNull();
  });
});

describe('createOperationSlots', () => {
  it('should give back every slot of a connection that closed, and each operation that ended once', () => {
    const slots = createOperationSlots(3);
    const [one, two] = [{}, {}];
    expect(slots.take(one, 'a', '203.0.113.7')).toBe(true);
    expect(slots.take(one, 'b', '203.0.113.7')).toBe(true);
    expect(slots.take(two, 'a', '203.0.113.7')).toBe(true);
    expect(slots.take(two, 'b', '203.0.113.7')).toBe(false);

    slots.release(two, 'a');
    slots.release(two, 'a');
    expect(slots.take(two, 'b', '203.0.113.7')).toBe(true);
    expect(slots.take(two, 'c', '203.0.113.7')).toBe(false);

    slots.releaseAll(one);
    expect(slots.take(two, 'c', '203.0.113.7')).toBe(true);
    expect(slots.take(two, 'd', '203.0.113.7')).toBe(true);
    expect(slots.take(two, 'e', '203.0.113.7')).toBe(false);
  });
});
