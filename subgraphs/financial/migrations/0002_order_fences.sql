-- Orders whose interrupted checkout was settled as not charged: a charge for one of them is
-- refused from then on, so a slow charge cannot land after the stock was given back.
CREATE TABLE fenced_orders (
  order_id   uuid PRIMARY KEY,
  fenced_at  timestamptz NOT NULL DEFAULT now()
);
