import type { RequestOptions, ServiceClient } from '@agora/service';

export interface Money {
  amount: number;
  currency: string;
}

export interface PaymentSummary {
  id: string;
  status: 'CAPTURED' | 'REFUNDED';
}

export type ChargeOutcome =
  | { kind: 'charged'; payment: PaymentSummary }
  | { kind: 'declined'; balance: Money; amount: Money }
  | { kind: 'fenced' };

const CHARGE_MUTATION = /* GraphQL */ `
  mutation OrdersChargeOrder($orderId: ID!, $userId: ID!, $amount: Int!, $currency: String!) {
    chargeOrder(orderId: $orderId, userId: $userId, amount: $amount, currency: $currency) {
      __typename
      ... on Payment {
        id
        status
      }
      ... on ChargeDeclined {
        balance {
          amount
          currency
        }
        amount {
          amount
          currency
        }
      }
    }
  }
`;

const SETTLE_MUTATION = /* GraphQL */ `
  mutation OrdersSettleOrderCharge($orderId: ID!) {
    settleOrderCharge(orderId: $orderId) {
      payment {
        id
        status
      }
    }
  }
`;

const REFUND_MUTATION = /* GraphQL */ `
  mutation OrdersRefundOrder($orderId: ID!) {
    refundOrder(orderId: $orderId) {
      id
      status
    }
  }
`;

type ChargeEntity =
  | ({ __typename: 'Payment' } & PaymentSummary)
  | { __typename: 'ChargeDeclined'; balance: Money; amount: Money }
  | { __typename: 'ChargeFenced' };

/**
 * Calls the financial subgraph through its own GraphQL endpoint. Every call is idempotent
 * per order (financial serialises them under the order's lock), so they are safe to retry.
 */
export function createFinancialClient(client: ServiceClient) {
  return {
    /** `options` for the checkout, which retries on its own deadline. */
    async chargeOrder(orderId: string, userId: string, total: Money, options?: RequestOptions): Promise<ChargeOutcome> {
      const data = await client.request<{ chargeOrder: ChargeEntity }>(
        CHARGE_MUTATION,
        { orderId, userId, amount: total.amount, currency: total.currency },
        options,
      );
      const result = data.chargeOrder;
      switch (result.__typename) {
        case 'Payment':
          return { kind: 'charged', payment: { id: result.id, status: result.status } };
        case 'ChargeDeclined':
          return { kind: 'declined', balance: result.balance, amount: result.amount };
        case 'ChargeFenced':
          return { kind: 'fenced' };
      }
    },

    /** The order's payment if it was charged; if not, it never will be (financial fences it). */
    async settleOrderCharge(orderId: string): Promise<PaymentSummary | null> {
      const data = await client.request<{ settleOrderCharge: { payment: PaymentSummary | null } }>(SETTLE_MUTATION, {
        orderId,
      });
      return data.settleOrderCharge.payment;
    },

    async refundOrder(orderId: string, options?: RequestOptions): Promise<PaymentSummary | null> {
      const data = await client.request<{ refundOrder: PaymentSummary | null }>(REFUND_MUTATION, { orderId }, options);
      return data.refundOrder;
    },
  };
}

export type FinancialClient = ReturnType<typeof createFinancialClient>;
