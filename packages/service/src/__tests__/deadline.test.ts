import { ANSWER_MARGIN_MS, INTERNAL_HEADERS, MAX_REQUEST_DEADLINE_MS, readDeadline } from '../index.js';

describe('readDeadline', () => {
  const now = 1_000_000;
  const told = (value: string) => ({ [INTERNAL_HEADERS.deadlineMs]: value });

  it("should end the request before the caller's deadline by the answer's margin", () => {
    expect(readDeadline(told('3000'), 60_000, now)).toBe(now + 3_000 - ANSWER_MARGIN_MS);
  });

  it("should keep the service's own maximum when the caller allows more", () => {
    expect(readDeadline(told('900000'), 5_000, now)).toBe(now + 5_000);
  });

  it('should take the maximum when the caller names no deadline or a malformed one', () => {
    for (const headers of [{}, told(''), told('-5'), told('1e4'), told('12.5'), told('soon'), told('9999999999')]) {
      expect(readDeadline(headers, 5_000, now)).toBe(now + 5_000);
    }
    expect(readDeadline({}, undefined, now)).toBe(now + MAX_REQUEST_DEADLINE_MS);
  });

  it('should say the deadline has already come when the caller has less left than the margin', () => {
    expect(readDeadline(told(String(ANSWER_MARGIN_MS - 1)), 5_000, now)).toBe(now);
  });
});
