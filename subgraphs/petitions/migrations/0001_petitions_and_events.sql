-- Petitions: drafts (CREATED), launched (OPEN) and CLOSED. Timestamps used as cursors keep
-- milliseconds only, so an ISO-string cursor names a row exactly.
CREATE TABLE petitions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  creator_id uuid NOT NULL,
  title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 150),
  body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  status     text NOT NULL DEFAULT 'CREATED' CHECK (status IN ('CREATED', 'OPEN', 'CLOSED')),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  opened_at  timestamptz(3),
  closed_at  timestamptz(3),
  CHECK ((status = 'CREATED') = (opened_at IS NULL)),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);

CREATE INDEX petitions_open_idx ON petitions (opened_at DESC, id DESC) WHERE status = 'OPEN';
CREATE INDEX petitions_creator_idx ON petitions (creator_id, created_at DESC);

-- Every launch and close, numbered without gaps in commit order: the sequence comes from a
-- one-row counter whose lock is held until the transition commits. Other services (the
-- signatures replica) read this log to catch up on events pub/sub did not bring them.
CREATE TABLE petition_event_counter (
  only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_sequence bigint NOT NULL
);
INSERT INTO petition_event_counter (last_sequence) VALUES (0);

CREATE TABLE petition_events (
  sequence    bigint PRIMARY KEY,
  petition_id uuid NOT NULL REFERENCES petitions (id),
  status      text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  occurred_at timestamptz NOT NULL DEFAULT now()
);
