import { isUuid } from '@agora/db';
import { ServiceUnavailableError } from '@agora/errors';
import { ServiceCallError } from '@agora/service';
import type { CheckoutStore } from '../store/checkoutStore.js';
import { isHidden, type OrderRecord, type PublicOrderStatus } from '../store/orderStore.js';
import type { OrderSettlement } from './orderSettlement.js';

export type CancelOutcome =
  | { kind: 'order'; order: OrderRecord }
  | { kind: 'notCancellable'; status: PublicOrderStatus }
  | { kind: 'notFound'; orderId: string };

const WILL_COMPLETE =
  'The cancellation is recorded but a service did not answer in time; it completes automatically within a minute.';

/** cancelOrder: a PAID order of the buyer's is refunded, its stock returned, then CANCELLED. */
export function createCancellation(deps: { store: CheckoutStore; settlement: OrderSettlement }) {
  return {
    /** `deadline` (epoch ms): the request's; the refund and restock not finished by then complete later. */
    async cancel(userId: string, orderId: string, deadline: number): Promise<CancelOutcome> {
      const order = isUuid(orderId) ? await deps.store.findOrder(orderId) : null;
      if (order === null || order.userId !== userId || isHidden(order.status)) return { kind: 'notFound', orderId };
      if (order.status === 'CANCELLED') return { kind: 'order', order };
      if (order.status !== 'PAID') return { kind: 'notCancellable', status: order.status };
      await deps.store.requestCancel(order.id);
      try {
        return { kind: 'order', order: await deps.settlement.finishCancel(order.id, { deadline }) };
      } catch (error) {
        if (error instanceof ServiceUnavailableError || error instanceof ServiceCallError) {
          throw new ServiceUnavailableError(WILL_COMPLETE);
        }
        throw error;
      }
    },
  };
}

export type Cancellation = ReturnType<typeof createCancellation>;
