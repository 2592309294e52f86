import { isUuid } from '@agora/db';
import type { StockLine } from '../store/reservationStore.js';

export const MAX_LINES = 100;
export const MAX_LINE_QUANTITY = 100;

/**
 * What is wrong with a reservation request, or null: an order id, 1 to 100 lines, each a
 * distinct product with 1 to 100 units. Only the checkout saga calls this; a problem here is
 * a bug in the caller, answered as BAD_USER_INPUT.
 */
export function checkReservationRequest(orderId: string, lines: readonly StockLine[]): string | null {
  if (!isUuid(orderId)) return `orderId must be a uuid, got "${orderId.slice(0, 100)}".`;
  if (lines.length === 0 || lines.length > MAX_LINES)
    return `A reservation has 1 to ${MAX_LINES} lines, got ${lines.length}.`;
  const seen = new Set<string>();
  for (const line of lines) {
    if (!isUuid(line.productId)) return `productId must be a uuid, got "${line.productId.slice(0, 100)}".`;
    const key = line.productId.toLowerCase();
    if (seen.has(key)) return `Product ${line.productId} appears twice.`;
    seen.add(key);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
      return `Quantity must be between 1 and ${MAX_LINE_QUANTITY}, got ${line.quantity}.`;
    }
  }
  return null;
}
