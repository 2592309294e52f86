import type { Logger } from '@agora/service';
import type { FinancialClient } from '../clients/financialClient.js';
import type { CheckoutStore } from '../store/checkoutStore.js';
import type { OrderRecord } from '../store/orderStore.js';
import type { OrderSettlement } from './orderSettlement.js';

export interface RecoveryDeps {
  store: CheckoutStore;
  settlement: OrderSettlement;
  financial: FinancialClient;
  logger: Logger;
  /** How long an order may sit PENDING (or unsettled) before recovery takes it over. */
  deadlineMs: number;
  /** How often recovery looks. */
  intervalMs: number;
}

/** Orders taken per look, so one look stays short. */
const BATCH = 20;

/**
 * Finishes or undoes checkouts that stopped half-way (a crash, a service that did not
 * answer). Financial decides: an order it charged is completed PAID; an order it did not is
 * fenced there (a late charge is refused) and ended ABANDONED with its stock given back.
 * It also settles stock and cancels that were left unfinished. Runs at start and every
 * interval; several instances share the work (claims skip locked rows).
 */
export function createCheckoutRecovery(deps: RecoveryDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  async function recoverPending(order: OrderRecord): Promise<void> {
    const payment = await deps.financial.settleOrderCharge(order.id);
    const ended =
      payment === null
        ? await deps.settlement.endUnpaid(order.id, 'ABANDONED', null)
        : await deps.settlement.completePaid(order.id);
    deps.logger.info('recovered an interrupted checkout', { orderId: order.id, status: ended.status });
  }

  async function finishUnfinished(order: OrderRecord): Promise<void> {
    if (order.status === 'PAID' && order.cancelRequestedAt !== null) await deps.settlement.finishCancel(order.id);
    else await deps.settlement.settleStock(order);
  }

  async function each(orders: OrderRecord[], step: (order: OrderRecord) => Promise<void>): Promise<void> {
    for (const order of orders) {
      await step(order).catch((error: unknown) =>
        deps.logger.warn('recovery could not finish an order yet; it will try again', { orderId: order.id, error }),
      );
    }
  }

  async function recoverOnce(): Promise<void> {
    await each(await deps.store.claimStalePending(deps.deadlineMs, BATCH), recoverPending);
    await each(await deps.store.claimUnfinished(deps.deadlineMs, BATCH), finishUnfinished);
  }

  /** One look at a time in this process. */
  function look(): Promise<void> {
    running ??= recoverOnce()
      .catch((error: unknown) => deps.logger.warn('checkout recovery failed; it will try again', { error }))
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    recoverOnce: look,
    async start(): Promise<void> {
      await look();
      timer = setInterval(() => void look(), deps.intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

export type CheckoutRecovery = ReturnType<typeof createCheckoutRecovery>;
