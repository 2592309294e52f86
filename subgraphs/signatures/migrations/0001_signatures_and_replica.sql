-- Which petitions are open, as this service last heard from petitions (launch and close
-- events, applied in sequence order). Signing checks this replica, so it keeps working while
-- the petitions service is down.
CREATE TABLE petition_replicas (
  petition_id uuid PRIMARY KEY,
  status      text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  sequence    bigint NOT NULL
);

-- The last lifecycle event applied: events are applied strictly one after another.
CREATE TABLE replica_position (
  only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_sequence bigint NOT NULL
);
INSERT INTO replica_position (last_sequence) VALUES (0);

-- One signature per user per petition.
CREATE TABLE signatures (
  petition_id uuid NOT NULL,
  user_id     uuid NOT NULL,
  signed_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (petition_id, user_id)
);

CREATE INDEX signatures_user_idx ON signatures (user_id, signed_at DESC, petition_id DESC);

-- Exact counts, kept in the same transaction as the signature that changes them.
CREATE TABLE signature_counts (
  petition_id uuid PRIMARY KEY,
  count       integer NOT NULL CHECK (count >= 0)
);
