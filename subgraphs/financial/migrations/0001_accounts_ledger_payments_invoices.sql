-- One account per user; its id is the owner's user id. The balance never goes below zero.
CREATE TABLE accounts (
  id             uuid PRIMARY KEY,
  balance_amount integer NOT NULL DEFAULT 0 CHECK (balance_amount >= 0),
  currency       char(3) NOT NULL DEFAULT 'EUR',
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Every movement of money, append-only. balance_after lets a statement be read without summing.
CREATE TABLE ledger_entries (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    uuid NOT NULL REFERENCES accounts (id),
  kind          text NOT NULL CHECK (kind IN ('DEPOSIT', 'CHARGE', 'REFUND')),
  amount        integer NOT NULL CHECK (amount <> 0),
  balance_after integer NOT NULL CHECK (balance_after >= 0),
  order_id      uuid,
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, created_at DESC, id DESC);

-- The charge that paid an order: at most one per order.
CREATE TABLE payments (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id    uuid NOT NULL UNIQUE,
  account_id  uuid NOT NULL REFERENCES accounts (id),
  amount      integer NOT NULL CHECK (amount > 0),
  currency    char(3) NOT NULL,
  status      text NOT NULL CHECK (status IN ('CAPTURED', 'REFUNDED')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  refunded_at timestamptz
);

-- Invoice numbers are gap-free: taken from a one-row counter inside the paying transaction.
CREATE TABLE invoice_counter (
  only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_number bigint NOT NULL
);
INSERT INTO invoice_counter (last_number) VALUES (0);

CREATE TABLE invoices (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number       bigint NOT NULL UNIQUE,
  order_id     uuid NOT NULL UNIQUE,
  account_id   uuid NOT NULL REFERENCES accounts (id),
  total_amount integer NOT NULL CHECK (total_amount >= 0),
  currency     char(3) NOT NULL,
  issued_at    timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX invoices_account_idx ON invoices (account_id, number DESC);
