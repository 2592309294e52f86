import { isUuid } from '@agora/db';
import { MAX_BALANCE } from './deposits.js';

/**
 * What is wrong with a charge request, or null. Only the checkout saga calls this; a problem
 * is a bug in the caller, answered as BAD_USER_INPUT.
 */
export function checkChargeRequest(orderId: string, userId: string, amount: number, currency: string): string | null {
  if (!isUuid(orderId)) return `orderId must be a uuid, got "${orderId.slice(0, 100)}".`;
  if (!isUuid(userId)) return `userId must be a uuid, got "${userId.slice(0, 100)}".`;
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_BALANCE) {
    return `amount must be between 1 and ${MAX_BALANCE} minor units, got ${amount}.`;
  }
  if (!/^[A-Z]{3}$/.test(currency)) return `currency must be an ISO 4217 code, got "${currency.slice(0, 10)}".`;
  return null;
}
