-- Routing and snooze (PostgreSQL): durable jobs (snooze expiries), when an
-- expert's status last changed (offline grace rule), brand routing settings, saved replies,
-- and the persisted offset of the test clock.
ALTER TABLE experts ADD COLUMN status_since BIGINT NOT NULL DEFAULT 0;
ALTER TABLE brands ADD COLUMN offline_grace_minutes BIGINT NOT NULL DEFAULT 120;
ALTER TABLE conversations ADD COLUMN awaiting_since BIGINT;

CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    kind TEXT NOT NULL,
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    run_at BIGINT NOT NULL,
    locked_until BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT jobs_kind_conversation_key UNIQUE (kind, conversation_id)
);
CREATE INDEX jobs_due ON jobs (run_at);

CREATE TABLE saved_replies (
    brand_id UUID NOT NULL REFERENCES brands(id),
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    position BIGINT NOT NULL,
    CONSTRAINT saved_replies_pkey PRIMARY KEY (brand_id, key)
);

CREATE TABLE clock_offset (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    offset_us BIGINT NOT NULL
);
