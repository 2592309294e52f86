import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { money } from '../format.js';
import { CART, CHECKOUT, REMOVE_ITEM } from '../operations.js';

export function CartPage() {
  const { data, loading, error } = useQuery(CART);
  const [removeItem, { loading: removing }] = useMutation(REMOVE_ITEM, { refetchQueries: ['Cart'] });
  const [checkout, { loading: paying }] = useMutation(CHECKOUT, {
    refetchQueries: ['Cart', 'Orders', 'Account', 'Products'],
  });
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);
  // One key per checkout until it ends: pressing again after a lost answer asks how that
  // checkout ended instead of paying twice (while this page stays open).
  const [attemptKey, setAttemptKey] = useState(() => crypto.randomUUID());

  async function onRemove(productId: string) {
    try {
      await removeItem({ variables: { productId } });
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    }
  }

  async function onCheckout() {
    try {
      const result = (await checkout({ variables: { key: attemptKey } })).data?.checkout;
      switch (result?.__typename) {
        case 'Order':
          setOutcome({
            ok: true,
            text: `Paid ${money(result.total as NonNullable<typeof result.total>)}. Invoice ${result.invoice?.number ?? '(being issued)'}.`,
          });
          setAttemptKey(crypto.randomUUID());
          return;
        case 'InsufficientStock':
          setOutcome({
            ok: false,
            text: `Only ${result.available} of ${result.product?.name} left; you asked for ${result.requested}. Change the quantity and try again.`,
          });
          break;
        case 'PaymentDeclined':
          setOutcome({
            ok: false,
            text: `Payment declined: your balance is ${money(result.balance as NonNullable<typeof result.balance>)} and this costs ${money(result.amount as NonNullable<typeof result.amount>)}. Top up your account first.`,
          });
          break;
        default:
          setOutcome({ ok: false, text: result?.message ?? 'The checkout did not go through.' });
      }
      setAttemptKey(crypto.randomUUID());
    } catch (problem) {
      // Unknown whether it went through: the same key asks again without paying twice.
      setOutcome({ ok: false, text: `${errorText(problem)} Press checkout again to see how it ended.` });
    }
  }

  if (loading && data === undefined) return <p>Loading your cart…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">Your cart could not be loaded: {error.message}</p>;
  if (data?.me === null) return <p>Log in to see your cart.</p>;
  const cart = data?.me?.cart;
  return (
    <section aria-labelledby="cart">
      <h1 id="cart">Cart</h1>
      {cart === undefined || cart.items.length === 0 ? (
        <p>Your cart is empty.</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Quantity</th>
                <th scope="col">Total</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.items.map((item) => (
                <tr key={item.product.id}>
                  <td>{item.product.name}</td>
                  <td>{item.quantity}</td>
                  <td>{money(item.lineTotal)}</td>
                  <td>
                    <button type="button" disabled={removing} onClick={() => void onRemove(item.product.id)}>
                      Remove {item.product.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            {cart.itemCount} item(s), {money(cart.total)}
          </p>
        </>
      )}
      <button type="button" onClick={() => void onCheckout()} disabled={paying}>
        Check out
      </button>
      <Outcome message={outcome} />
    </section>
  );
}
