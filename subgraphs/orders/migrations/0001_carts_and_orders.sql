-- Carts: one line per product per user. Prices are not stored: a cart shows current prices.
CREATE TABLE cart_items (
  user_id    uuid NOT NULL,
  product_id uuid NOT NULL,
  quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, product_id)
);

-- Orders: the cart as it was at checkout, priced as paid. One order per (user, idempotency key).
-- created_at keeps milliseconds only, so the cursor (an ISO string) names a row exactly.
CREATE TABLE orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL,
  idempotency_key text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'PAYMENT_DECLINED', 'CANCELLED')),
  total_amount    integer NOT NULL CHECK (total_amount >= 0),
  currency        char(3) NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, idempotency_key)
);

CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at DESC, id DESC);

CREATE TABLE order_lines (
  order_id          uuid NOT NULL REFERENCES orders (id),
  product_id        uuid NOT NULL,
  quantity          integer NOT NULL CHECK (quantity > 0),
  unit_price_amount integer NOT NULL CHECK (unit_price_amount >= 0),
  PRIMARY KEY (order_id, product_id)
);
