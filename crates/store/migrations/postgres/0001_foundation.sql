-- Foundation schema (PostgreSQL). Times are integer microseconds since the Unix epoch (UTC);
-- ids are native UUIDs. Every table carries brand_id.
CREATE TABLE brands (
    id UUID PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    auto_message TEXT NOT NULL,
    typical_reply_time TEXT NOT NULL,
    max_snooze_days BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE experts (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity >= 0),
    status TEXT NOT NULL CHECK (status IN ('available', 'away', 'offline')),
    created_at BIGINT NOT NULL,
    CONSTRAINT experts_brand_email_key UNIQUE (brand_id, email)
);

CREATE TABLE expert_sessions (
    token_hash BYTEA PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    expert_id UUID NOT NULL REFERENCES experts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE visitors (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    visitor_id UUID NOT NULL REFERENCES visitors(id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'assigned', 'snoozed', 'closed')),
    expert_id UUID REFERENCES experts(id),
    wake TEXT,
    snoozed_until BIGINT,
    snooze_count BIGINT NOT NULL DEFAULT 0,
    closed_by TEXT,
    closed_at BIGINT,
    last_seq BIGINT NOT NULL,
    last_author TEXT,
    last_message_at BIGINT,
    queued_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX conversations_brand_status ON conversations (brand_id, status, queued_at);
CREATE INDEX conversations_expert ON conversations (brand_id, expert_id, status);
CREATE INDEX conversations_visitor ON conversations (brand_id, visitor_id, created_at);

CREATE TABLE events (
    pos BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_msg_id TEXT,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT events_conversation_seq_key UNIQUE (conversation_id, seq),
    CONSTRAINT events_client_msg_id_key UNIQUE (conversation_id, client_msg_id)
);
