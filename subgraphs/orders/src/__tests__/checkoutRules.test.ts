import { cartFingerprint, checkIdempotencyKey } from '../domain/checkout.js';

describe('checkout rules', () => {
  const a = 'c5b1d7f0-0d5e-4a51-9f8e-2d7c0b8a1e11';
  const b = '0b5d3c1e-0000-4000-8000-000000000000';
  const item = (productId: string, quantity: number) => ({ userId: 'u', productId, quantity });

  it('should see the same cart whatever the order of its lines or the case of the ids', () => {
    expect(cartFingerprint([item(a, 1), item(b, 2)])).toBe(cartFingerprint([item(b, 2), item(a.toUpperCase(), 1)]));
  });

  it('should see another cart when a quantity differs', () => {
    expect(cartFingerprint([item(a, 1)])).not.toBe(cartFingerprint([item(a, 2)]));
  });

  it.each(['a', 'order-2026-11-22:7', 'x'.repeat(100)])('should accept the key %p', (key) => {
    expect(checkIdempotencyKey(key)).toBeNull();
  });

  it.each(['', 'with space', 'tab\there', 'é', 'x'.repeat(101)])('should refuse the key %p', (key) => {
    expect(checkIdempotencyKey(key)).toEqual({
      field: 'idempotencyKey',
      message: 'The idempotency key must be 1 to 100 visible ASCII characters (a UUID, say).',
    });
  });
});
