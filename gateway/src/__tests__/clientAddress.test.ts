import { clientAddressOf, type ClientConnection } from '../context.js';

function requestFrom(peer: string, forwardedFor?: string): ClientConnection {
  return {
    remoteAddress: peer,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  };
}

describe('clientAddressOf', () => {
  it('should take the peer and ignore X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressOf(requestFrom('203.0.113.9', '10.0.0.1'), 0)).toBe('203.0.113.9');
  });

  it('should take the address our proxy recorded, not what the client claimed, behind one trusted proxy', () => {
    // The client wrote "6.6.6.6"; our load balancer appended the address it saw.
    expect(clientAddressOf(requestFrom('10.0.0.2', '6.6.6.6, 198.51.100.7'), 1)).toBe('198.51.100.7');
  });

  it('should walk back one entry per trusted proxy', () => {
    expect(clientAddressOf(requestFrom('10.0.0.3', '198.51.100.7, 10.0.0.2'), 2)).toBe('198.51.100.7');
  });

  it('should fall back to the first address when there are fewer entries than trusted proxies', () => {
    expect(clientAddressOf(requestFrom('10.0.0.2'), 1)).toBe('10.0.0.2');
  });
});
