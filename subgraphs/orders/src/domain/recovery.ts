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
  /** Orders per claim: a look claims batch after batch while they come back full. */
  batchSize: number;
  /** Orders settled at once (each costs a call to financial or inventory, and a connection). */
  concurrency: number;
}

/**
 * Finishes or undoes checkouts that stopped half-way (a crash, an outage longer than the
 * checkout's deadline). Financial decides: an order it charged is completed PAID; an order it
 * did not is fenced there (a late charge is refused) and ended ABANDONED with its stock given
 * back at once. It also settles stock and cancels that were left unfinished. Runs at start and
 * every interval; one look takes the whole backlog, in batches settled a few at a time, and
 * several instances share the work (claims skip rows another holds, and move each claimed order
 * past the cutoff, so a look takes an order at most once).
 */
export function createCheckoutRecovery(deps: RecoveryDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopping = false;

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

  /** Runs `step` over `orders`, `deps.concurrency` at a time; a failure is left for a later look. */
  async function settleAll(orders: readonly OrderRecord[], step: (order: OrderRecord) => Promise<void>) {
    let next = 0;
    const worker = async () => {
      while (next < orders.length) {
        const order = orders[next++] as OrderRecord;
        await step(order).catch((error: unknown) =>
          deps.logger.warn('recovery could not finish an order yet; it will try again', { orderId: order.id, error }),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency, orders.length) }, worker));
  }

  /** Claims and settles batch after batch of what `claim` finds, until a batch comes back short. */
  async function drain(
    claim: (staleBefore: Date, limit: number) => Promise<OrderRecord[]>,
    staleBefore: Date,
    step: (order: OrderRecord) => Promise<void>,
  ): Promise<number> {
    let taken = 0;
    while (!stopping) {
      const orders = await claim(staleBefore, deps.batchSize);
      await settleAll(orders, step);
      taken += orders.length;
      if (orders.length < deps.batchSize) break;
    }
    return taken;
  }

  async function recoverOnce(): Promise<void> {
    const startedAt = Date.now();
    const staleBefore = await deps.store.staleBefore(deps.deadlineMs);
    const pending = await drain((before, n) => deps.store.claimStalePending(before, n), staleBefore, recoverPending);
    const unfinished = await drain((before, n) => deps.store.claimUnfinished(before, n), staleBefore, finishUnfinished);
    if (pending + unfinished > 0) {
      deps.logger.info('checkout recovery took orders over', { pending, unfinished, ms: Date.now() - startedAt });
    }
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
    /** The first look starts at once, and serving need not wait for a backlog to settle. */
    async start(): Promise<void> {
      void look();
      timer = setInterval(() => void look(), deps.intervalMs);
      timer.unref();
    },
    /** Stops looking; a look under way ends after its batch. */
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(timer);
      await running;
    },
  };
}

export type CheckoutRecovery = ReturnType<typeof createCheckoutRecovery>;
