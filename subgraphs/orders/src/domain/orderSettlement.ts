import type { Logger, RequestOptions } from '@agora/service';
import type { FinancialClient } from '../clients/financialClient.js';
import type { InventoryClient } from '../clients/inventoryClient.js';
import type { CheckoutStore } from '../store/checkoutStore.js';
import type { OrderRecord } from '../store/orderStore.js';

export interface SettlementDeps {
  store: CheckoutStore;
  inventory: InventoryClient;
  financial: FinancialClient;
  logger: Logger;
}

/**
 * The steps after a checkout's outcome is known, shared by the checkout itself, the
 * recovery loop and cancelOrder. Each is idempotent, so a step interrupted anywhere is
 * simply run again. `options` carry the deadline of the request a step runs for.
 */
export function createOrderSettlement(deps: SettlementDeps) {
  /** Tells inventory how the order ended: units sold if PAID, given back otherwise. */
  async function settleStock(order: OrderRecord, options?: RequestOptions): Promise<void> {
    if (order.status === 'PENDING' || order.stockSettled) return;
    if (order.status === 'PAID') await deps.inventory.commitStock(order.id, options);
    else if (order.status !== 'CANCELLED') await deps.inventory.releaseStock(order.id, options);
    await deps.store.markStockSettled(order.id);
  }

  /**
   * Settles stock now if inventory answers; if it does not, the order is already in its
   * final state and the recovery loop settles the stock later.
   */
  async function settleStockSoon(order: OrderRecord, options?: RequestOptions): Promise<void> {
    await settleStock(order, options).catch((error: unknown) =>
      deps.logger.warn('could not settle stock yet; recovery will', { orderId: order.id, error }),
    );
  }

  return {
    settleStock,

    /** A charged order: PAID with its cart emptied, then its units marked sold. */
    async completePaid(orderId: string, options?: RequestOptions): Promise<OrderRecord> {
      const order = await deps.store.markPaid(orderId);
      await settleStockSoon(order, options);
      return order;
    },

    /** A checkout that took no money: ended as `status`, then its units given back. */
    async endUnpaid(
      orderId: string,
      end: Parameters<CheckoutStore['endUnpaid']>[1],
      outcome: Parameters<CheckoutStore['endUnpaid']>[2],
      options?: RequestOptions,
    ) {
      const order = await deps.store.endUnpaid(orderId, end, outcome);
      await settleStockSoon(order, options);
      return order;
    },

    /** A cancel the buyer asked for: money back, units back, then CANCELLED. */
    async finishCancel(orderId: string, options?: RequestOptions): Promise<OrderRecord> {
      await deps.financial.refundOrder(orderId, options);
      await deps.inventory.restockOrder(orderId, options);
      return deps.store.markCancelled(orderId);
    },
  };
}

export type OrderSettlement = ReturnType<typeof createOrderSettlement>;
