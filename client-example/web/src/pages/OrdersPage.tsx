import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { money } from '../format.js';
import { CANCEL_ORDER, ORDERS } from '../operations.js';

const STATUS: Record<string, string> = {
  PENDING: 'being paid',
  PAID: 'paid',
  PAYMENT_DECLINED: 'payment declined',
  CANCELLED: 'cancelled and refunded',
};

export function OrdersPage() {
  const { data, loading, error } = useQuery(ORDERS);
  const [cancel] = useMutation(CANCEL_ORDER, { refetchQueries: ['Orders', 'Account', 'Products'] });
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);

  async function onCancel(id: string) {
    try {
      const result = (await cancel({ variables: { id } })).data?.cancelOrder;
      setOutcome(
        result?.__typename === 'Order'
          ? {
              ok: true,
              text: `Order cancelled; ${money(result.total as NonNullable<typeof result.total>)} refunded to your account.`,
            }
          : { ok: false, text: result?.message ?? 'The order was not cancelled.' },
      );
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    }
  }

  if (loading && data === undefined) return <p>Loading your orders…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">Your orders could not be loaded: {error.message}</p>;
  if (data?.me === null) return <p>Log in to see your orders.</p>;
  const orders = data?.me?.orders.nodes ?? [];
  return (
    <section aria-labelledby="orders">
      <h1 id="orders">Orders</h1>
      <Outcome message={outcome} />
      {orders.length === 0 ? (
        <p>No orders yet.</p>
      ) : (
        <ul className="list">
          {orders.map((order) => (
            <li key={order.id}>
              <strong>{order.invoice?.number ?? 'No invoice'}</strong> · {new Date(order.createdAt).toLocaleString()} ·{' '}
              {money(order.total)} · {STATUS[order.status] ?? order.status}
              <p className="body">{order.lines.map((line) => `${line.quantity} × ${line.product.name}`).join(', ')}</p>
              {order.status === 'PAID' && (
                <button type="button" onClick={() => void onCancel(order.id)}>
                  Cancel order {order.invoice?.number ?? ''}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
