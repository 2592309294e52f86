export interface Money {
  amount: number;
  currency: string;
}

/** 1999 EUR → "19.99 EUR" (amounts are in minor units). */
export function money({ amount, currency }: Money): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

export function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
