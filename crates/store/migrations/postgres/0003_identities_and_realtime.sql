-- Identities and real-time (postgres): brand admins and their sessions, brand API keys,
-- read markers per conversation side, the brand's allowed widget origins, disabled experts.
CREATE TABLE admins (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT admins_brand_email_key UNIQUE (brand_id, email)
);

CREATE TABLE admin_sessions (
    token_hash BYTEA PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    admin_id UUID NOT NULL REFERENCES admins(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_keys_brand ON api_keys (brand_id, created_at);

CREATE TABLE conversation_reads (
    brand_id UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    side TEXT NOT NULL CHECK (side IN ('visitor', 'expert')),
    seq BIGINT NOT NULL CHECK (seq >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, side)
);

-- JSON array of origins (scheme://host[:port]) allowed to open the widget's WebSocket.
ALTER TABLE brands ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';

ALTER TABLE experts ADD COLUMN disabled_at BIGINT;
