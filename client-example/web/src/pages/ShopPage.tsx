import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { money } from '../format.js';
import { ADD_ITEM, PRODUCTS, type Product } from '../operations.js';
import { useSession } from '../session.js';

export function ShopPage() {
  const { token } = useSession();
  const { data, loading, error } = useQuery(PRODUCTS);
  const [addItem] = useMutation(ADD_ITEM, { refetchQueries: ['Cart'] });
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);
  /** The product being added now: its button waits, so one press adds once. */
  const [adding, setAdding] = useState<string | null>(null);

  async function onAdd(product: Product, quantity: number) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) {
      setOutcome({ ok: false, text: `Choose a quantity of ${product.name} from 1 to 100.` });
      return;
    }
    setAdding(product.id);
    try {
      const result = (await addItem({ variables: { productId: product.id, quantity } })).data?.addItem;
      if (result?.__typename === 'Cart') {
        setOutcome({
          ok: true,
          text: `Added ${quantity} × ${product.name}. Your cart: ${result.itemCount} item(s), ${money(result.total as NonNullable<typeof result.total>)}.`,
        });
      } else if (result?.__typename === 'InsufficientStock') {
        setOutcome({ ok: false, text: `Only ${result.available} of ${result.product?.name ?? product.name} left.` });
      } else {
        setOutcome({ ok: false, text: result?.message ?? 'It was not added.' });
      }
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    } finally {
      setAdding(null);
    }
  }

  if (loading && data === undefined) return <p>Loading the shop…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">The shop could not be loaded: {error.message}</p>;
  return (
    <section aria-labelledby="shop">
      <h1 id="shop">Shop</h1>
      <Outcome message={outcome} />
      <ul className="list">
        {(data?.products.nodes ?? []).map((product) => (
          <li key={product.id}>
            <ProductRow product={product} canBuy={token !== null} busy={adding === product.id} onAdd={onAdd} />
          </li>
        ))}
      </ul>
      {token === null && (
        <p>
          <a href="#/login">Log in</a> to buy.
        </p>
      )}
    </section>
  );
}

function ProductRow(props: {
  product: Product;
  canBuy: boolean;
  busy: boolean;
  onAdd(product: Product, quantity: number): Promise<void>;
}) {
  const { product } = props;
  const [quantity, setQuantity] = useState(1);
  const inputId = `quantity-${product.id}`;
  return (
    <>
      <strong>{product.name}</strong> <span className="meta">{money(product.price)}</span>{' '}
      <span className="meta">{product.stock === 0 ? 'out of stock' : `${product.stock} in stock`}</span>
      <p className="body">{product.description}</p>
      {props.canBuy && (
        <>
          <label htmlFor={inputId}>Quantity for {product.name}</label>{' '}
          <input
            id={inputId}
            type="number"
            min={1}
            max={100}
            value={quantity}
            onChange={(event) => setQuantity(Number(event.target.value))}
          />{' '}
          <button type="button" disabled={props.busy} onClick={() => void props.onAdd(product, quantity)}>
            Add {product.name} to cart
          </button>
        </>
      )}
    </>
  );
}
