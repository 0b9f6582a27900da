-- Accounts (postgres): failed-login counters per account and per address (shared by every
-- node, so throttling holds across a cluster), one-time password tokens (invitations and
-- resets), and indexes for the expired-session cleanup.
CREATE TABLE login_failures (
    brand_id UUID NOT NULL REFERENCES brands(id),
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL CHECK (failures >= 0),
    window_start BIGINT NOT NULL,
    PRIMARY KEY (brand_id, scope, subject)
);

CREATE TABLE password_tokens (
    token_hash BYTEA PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    expert_id UUID NOT NULL REFERENCES experts(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_tokens_expert ON password_tokens (brand_id, expert_id);

CREATE INDEX expert_sessions_expiry ON expert_sessions (expires_at);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);
CREATE INDEX expert_sessions_holder ON expert_sessions (brand_id, expert_id);
CREATE INDEX admin_sessions_holder ON admin_sessions (brand_id, admin_id);
