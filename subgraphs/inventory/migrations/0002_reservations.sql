-- Stock held per order by the checkout saga. One reservation per order; its status moves
-- RESERVED -> COMMITTED -> RESTOCKED, or RESERVED -> RELEASED. A RELEASED row without lines
-- fences an order that was abandoned before it reserved anything.
CREATE TABLE reservations (
  order_id   uuid PRIMARY KEY,
  status     text NOT NULL CHECK (status IN ('RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_lines (
  order_id          uuid NOT NULL REFERENCES reservations (order_id),
  product_id        uuid NOT NULL REFERENCES products (id),
  quantity          integer NOT NULL CHECK (quantity > 0),
  unit_price_amount integer NOT NULL CHECK (unit_price_amount >= 0),
  currency          char(3) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
