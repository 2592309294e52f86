-- The catalogue. Stock never goes below zero: the CHECK is the last line of defence
-- behind the conditional updates that reserve it.
CREATE TABLE products (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku          text NOT NULL UNIQUE,
  name         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  price_amount integer NOT NULL CHECK (price_amount >= 0),
  currency     char(3) NOT NULL DEFAULT 'EUR',
  stock        integer NOT NULL CHECK (stock >= 0),
  created_at   timestamptz NOT NULL DEFAULT now()
);
