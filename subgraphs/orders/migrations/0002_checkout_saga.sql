-- The checkout saga's durable state. Besides the public statuses an order may end
-- REJECTED (stock ran short: nothing held, nothing charged) or ABANDONED (an interrupted
-- checkout the recovery undid: stock back, nothing charged); both are hidden from readers.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
  CHECK (status IN ('PENDING', 'PAID', 'PAYMENT_DECLINED', 'CANCELLED', 'REJECTED', 'ABANDONED'));

ALTER TABLE orders
  -- The cart the key was first used with, to refuse the same key with another cart.
  ADD COLUMN cart_fingerprint text NOT NULL DEFAULT '',
  -- What a REJECTED or PAYMENT_DECLINED checkout answered, to answer a retry the same way.
  ADD COLUMN outcome jsonb,
  -- Whether inventory has been told the outcome (units sold, or given back).
  ADD COLUMN stock_settled boolean NOT NULL DEFAULT false,
  ADD COLUMN cancel_requested_at timestamptz;

-- Orders placed before the saga existed have nothing to tell inventory.
UPDATE orders SET stock_settled = true;

-- What the recovery loop looks for: interrupted checkouts, and ended orders inventory was not
-- told about (or paid orders whose cancel did not complete).
CREATE INDEX orders_pending_idx ON orders (updated_at) WHERE status = 'PENDING';
CREATE INDEX orders_unfinished_idx ON orders (updated_at)
  WHERE status <> 'PENDING' AND (NOT stock_settled OR (status = 'PAID' AND cancel_requested_at IS NOT NULL));
