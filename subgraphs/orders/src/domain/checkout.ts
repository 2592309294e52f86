import { createHash } from 'node:crypto';
import { ServiceUnavailableError, UnauthenticatedError, UnreachableCaseError, type InputProblem } from '@agora/errors';
import type { RateLimiter } from '@agora/adapters';
import { ServiceCallError, firstExceededLimit, userAndAddressChecks, type Identity, type Logger } from '@agora/service';
import type { FinancialClient } from '../clients/financialClient.js';
import type { InventoryClient, ProductInfo } from '../clients/inventoryClient.js';
import type { UsersClient } from '../clients/usersClient.js';
import type { CheckoutLimits, CheckoutRetry } from '../config.js';
import type { CartItemRecord, CartStore } from '../store/cartStore.js';
import type { CheckoutStore, NewOrderLine } from '../store/checkoutStore.js';
import type { Money, OrderRecord } from '../store/orderStore.js';
import type { OrderSettlement } from './orderSettlement.js';
import { isRetryable, retryUntil } from './retry.js';

export type CheckoutOutcome =
  | { kind: 'order'; order: OrderRecord }
  | { kind: 'cartEmpty' }
  | { kind: 'insufficientStock'; productId: string; productName: string; requested: number; available: number }
  | { kind: 'paymentDeclined'; balance: Money; amount: Money }
  | { kind: 'failed' }
  | { kind: 'invalidInput'; problem: InputProblem }
  | { kind: 'rateLimited'; by: 'user' | 'address'; retryAfterSeconds: number };

export interface CheckoutDeps {
  carts: CartStore;
  store: CheckoutStore;
  settlement: OrderSettlement;
  inventory: InventoryClient;
  financial: FinancialClient;
  users: UsersClient;
  logger: Logger;
  /** How long a duplicate request waits for the checkout already running under its key (within its request's deadline). */
  duplicateWaitMs: number;
  /**
   * How long a checkout begins new attempts at the reservation and the charge through an
   * outage. The request's own deadline (the gateway's, less what it took to get here) bounds
   * every call whatever this says.
   */
  deadlineMs: number;
  retry: CheckoutRetry;
  limiter: RateLimiter;
  limits: CheckoutLimits;
}

const LIMIT_WINDOW_SECONDS = 60;

const KEY_PATTERN = /^[\x21-\x7e]{1,100}$/;

export function checkIdempotencyKey(key: string): InputProblem | null {
  return KEY_PATTERN.test(key)
    ? null
    : {
        field: 'idempotencyKey',
        message: 'The idempotency key must be 1 to 100 visible ASCII characters (a UUID, say).',
      };
}

/** The cart's contents, order-free, so the same key can be matched with the same cart. */
export function cartFingerprint(items: readonly CartItemRecord[]): string {
  const lines = items.map((item) => `${item.productId.toLowerCase()}:${item.quantity}`).sort();
  return createHash('sha256').update(lines.join(',')).digest('hex');
}

const INTERRUPTED =
  'Checkout could not finish because a service did not answer in time. It completes, or is undone with nothing ' +
  'charged, within a minute; ask again with the same idempotency key to see how it ended.';

const IN_PROGRESS = 'This checkout is still in progress; ask again with the same idempotency key in a moment.';

/**
 * The checkout saga: cart → session check → PENDING order under the idempotency key →
 * stock reserved → account charged → PAID, cart emptied, stock sold. A shortage or a decline
 * ends it with nothing held and nothing taken. A service that does not answer is asked again
 * (the reservation and the charge are idempotent per order) until the checkout's deadline or
 * the request's, whichever comes first, and no call outlives the request's; past it, the
 * order stays PENDING for the recovery loop, which finishes or undoes it.
 */
export function createCheckout(deps: CheckoutDeps) {
  /**
   * A call that failed leaves the order PENDING, for the recovery loop to finish or undo. A
   * service that answered with errors other than SERVICE_UNAVAILABLE means a contract bug,
   * which is logged as one.
   */
  function interrupted(orderId: string) {
    return (error: unknown): never => {
      if (error instanceof ServiceCallError && !isRetryable(error))
        deps.logger.error('checkout call refused', { orderId, error: error.message });
      if (error instanceof ServiceUnavailableError || error instanceof ServiceCallError) {
        throw new ServiceUnavailableError(INTERRUPTED);
      }
      throw error;
    };
  }

  /** What an order ended as, in the words checkout answers with. */
  function outcomeOf(order: OrderRecord): CheckoutOutcome {
    switch (order.status) {
      case 'PENDING':
        throw new ServiceUnavailableError(IN_PROGRESS);
      case 'PAID':
      case 'CANCELLED':
        return { kind: 'order', order };
      case 'REJECTED':
      case 'PAYMENT_DECLINED':
        if (order.outcome === null) throw new Error(`order ${order.id} ended ${order.status} without an outcome`);
        return order.outcome;
      case 'ABANDONED':
        return { kind: 'failed' };
      default:
        throw new UnreachableCaseError(order.status);
    }
  }

  /** Waits (bounded, and no later than `requestDeadline`) while another request runs the checkout of this order. */
  async function whenNotPending(order: OrderRecord, requestDeadline: number): Promise<OrderRecord> {
    const deadline = Math.min(Date.now() + deps.duplicateWaitMs, requestDeadline);
    let current = order;
    while (current.status === 'PENDING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      current = await deps.store.findOrder(order.id);
    }
    return current;
  }

  /** A key used before: the same answer, unless it now comes with another cart. */
  async function replay(
    order: OrderRecord,
    items: readonly CartItemRecord[],
    requestDeadline: number,
  ): Promise<CheckoutOutcome> {
    if (items.length > 0 && cartFingerprint(items) !== order.cartFingerprint) {
      return {
        kind: 'invalidInput',
        problem: {
          field: 'idempotencyKey',
          message: 'This idempotency key was already used for a different cart; use a new key for a new checkout.',
        },
      };
    }
    return outcomeOf(await whenNotPending(order, requestDeadline));
  }

  /** `until` (epoch ms): no call is tried again after it; `deadline`: the request's, which no call outlives. */
  async function runSaga(
    order: OrderRecord,
    lines: NewOrderLine[],
    products: Map<string, ProductInfo>,
    until: number,
    deadline: number,
  ): Promise<CheckoutOutcome> {
    const reserved = await retryUntil(until, deadline, deps.retry, (options) =>
      deps.inventory.reserveStock(order.id, lines, options),
    ).catch(interrupted(order.id));
    if (reserved.kind === 'shortage') {
      const ended = await deps.settlement.endUnpaid(
        order.id,
        'REJECTED',
        {
          kind: 'insufficientStock',
          productId: reserved.productId,
          productName: products.get(reserved.productId)?.name ?? 'this product',
          requested: reserved.requested,
          available: reserved.available,
        },
        { deadline },
      );
      return outcomeOf(ended);
    }
    // Recovery gave up on this order meanwhile (it fenced the reservation): nothing was taken.
    if (reserved.reservation.status !== 'RESERVED') return { kind: 'failed' };

    const priced = await deps.store.repriceLines(
      order.id,
      reserved.reservation.lines.map((line) => ({ ...line })),
    );
    if (priced.totalAmount === 0) return outcomeOf(await deps.settlement.completePaid(order.id, { deadline }));

    const total = { amount: priced.totalAmount, currency: priced.currency };
    const charged = await retryUntil(until, deadline, deps.retry, (options) =>
      deps.financial.chargeOrder(order.id, order.userId, total, options),
    ).catch(interrupted(order.id));
    switch (charged.kind) {
      case 'charged':
        return outcomeOf(await deps.settlement.completePaid(order.id, { deadline }));
      case 'declined':
        return outcomeOf(
          await deps.settlement.endUnpaid(
            order.id,
            'PAYMENT_DECLINED',
            { kind: 'paymentDeclined', balance: charged.balance, amount: charged.amount },
            { deadline },
          ),
        );
      case 'fenced':
        return { kind: 'failed' };
      default:
        throw new UnreachableCaseError(charged);
    }
  }

  /** The first checkout limit the caller is over; limits fail open when their store is away. */
  async function overLimit(userId: string, clientAddress: string | null): Promise<CheckoutOutcome | null> {
    const exceeded = await firstExceededLimit(
      deps.limiter,
      userAndAddressChecks('orders:checkout', userId, clientAddress, deps.limits, LIMIT_WINDOW_SECONDS),
      { whenUnavailable: 'allow', logger: deps.logger },
    );
    return exceeded === null ? null : { kind: 'rateLimited', ...exceeded };
  }

  return {
    /**
     * `clientAddress` is where the caller calls from, as the gateway saw it (null: not known);
     * `deadline` (epoch ms) when the request must be answered by. Every call to a peer ends by
     * it, so the caller hears this service's answer (done, declined, or "ask again with the
     * same key") before it gives up, however long `deadlineMs` is.
     */
    async checkout(
      viewer: Identity,
      idempotencyKey: string,
      clientAddress: string | null,
      deadline: number,
    ): Promise<CheckoutOutcome> {
      const until = Date.now() + deps.deadlineMs;
      const options = { deadline };
      const problem = checkIdempotencyKey(idempotencyKey);
      if (problem !== null) return { kind: 'invalidInput', problem };
      const limited = await overLimit(viewer.userId, clientAddress);
      if (limited !== null) return limited;
      const items = await deps.carts.findCartItemsByUserIds([viewer.userId]);
      const earlier = await deps.store.findOrderByKey(viewer.userId, idempotencyKey);
      if (earlier !== null) return replay(earlier, items, deadline);
      if (items.length === 0) return { kind: 'cartEmpty' };
      if (!(await deps.users.isSessionActive(viewer, options))) {
        throw new UnauthenticatedError('Your session has ended; log in again to buy.');
      }

      const infos = await deps.inventory.findProducts(
        items.map((item) => item.productId),
        options,
      );
      const products = new Map<string, ProductInfo>();
      const lines = items.map((item, index) => {
        const product = infos[index];
        if (product === null || product === undefined) throw new Error(`cart holds unknown product ${item.productId}`);
        products.set(product.id, product);
        return { productId: item.productId, quantity: item.quantity, unitPriceAmount: product.priceAmount };
      });
      const currencies = [...new Set([...products.values()].map((product) => product.currency))];
      if (currencies.length !== 1) throw new Error(`cart mixes currencies: ${currencies.join(', ')}`);
      const currency = currencies[0] as string;

      const order = await deps.store.insertPendingOrder({
        userId: viewer.userId,
        idempotencyKey,
        cartFingerprint: cartFingerprint(items),
        currency,
        lines,
      });
      if (order === null) {
        // The same key, at the same moment, from another request: answer what that one does.
        return replay((await deps.store.findOrderByKey(viewer.userId, idempotencyKey)) as OrderRecord, items, deadline);
      }
      return runSaga(order, lines, products, until, deadline);
    },
  };
}

export type Checkout = ReturnType<typeof createCheckout>;
