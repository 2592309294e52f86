import { createLogger, requestIdFrom, runInRequestScope } from '../index.js';

describe('request ids in logs', () => {
  function capturingLogger() {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'orders',
      format: 'json',
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    return { logger, lines };
  }

  it('should put the request id on every line written while serving the request, awaits included', async () => {
    const { logger, lines } = capturingLogger();
    await runInRequestScope({ requestId: 'req-42' }, async () => {
      logger.info('started');
      await new Promise((resolve) => setImmediate(resolve));
      logger.child('orders-saga').warn('later', { orderId: 'o-1' });
    });
    logger.info('outside any request');
    expect(lines.map(({ time: _time, ...line }) => line)).toEqual([
      { level: 'info', service: 'orders', message: 'started', requestId: 'req-42' },
      { level: 'warn', service: 'orders-saga', message: 'later', requestId: 'req-42', orderId: 'o-1' },
      { level: 'info', service: 'orders', message: 'outside any request' },
    ]);
  });

  it.each([
    ['keep a plain id the caller sent', 'abc-123_DEF.4:5', 'abc-123_DEF.4:5'],
    ['replace an id with spaces or quotes', 'a b"c', null],
    ['replace an over-long id', 'x'.repeat(101), null],
  ])('should %s', (_case, given, kept) => {
    const id = requestIdFrom({ 'x-request-id': given });
    if (kept === null) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    else expect(id).toBe(kept);
  });
});
