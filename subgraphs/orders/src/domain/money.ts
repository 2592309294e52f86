/** Money as the schema returns it: integer minor units and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** The currency of an empty cart's total (every product is priced in it for now). */
export const DEFAULT_CURRENCY = 'EUR';

/**
 * The sum of line amounts. Lines in different currencies cannot be added up; the shop
 * prices everything in one currency, so meeting two is a data error, not a user error.
 */
export function sumMoney(amounts: readonly Money[]): Money {
  const currency = amounts[0]?.currency ?? DEFAULT_CURRENCY;
  let total = 0;
  for (const money of amounts) {
    if (money.currency !== currency) {
      throw new Error(`Cannot add ${money.currency} to ${currency}: the catalogue must use one currency`);
    }
    total += money.amount;
  }
  return { amount: total, currency };
}
