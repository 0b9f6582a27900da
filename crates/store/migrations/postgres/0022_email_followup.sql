-- Email follow-up: a brand's email settings, each visitor's address (and unsubscribe),
-- extra visitor tokens handed out by signed reopen links, the mail queue (leased like the
-- other jobs) and the batches sent (their Message-ID derives from the batch id).
CREATE TABLE email_settings (
    brand_id      UUID PRIMARY KEY REFERENCES brands(id) ON DELETE CASCADE,
    ask           TEXT NOT NULL,
    delay_minutes BIGINT NOT NULL,
    consent_en    TEXT NOT NULL,
    consent_fr    TEXT NOT NULL,
    site_url      TEXT NOT NULL
);

CREATE TABLE visitor_emails (
    visitor_id      UUID PRIMARY KEY REFERENCES visitors(id),
    brand_id        UUID NOT NULL REFERENCES brands(id),
    email           TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    unsubscribed_at BIGINT
);

CREATE TABLE visitor_tokens (
    token_hash BYTEA PRIMARY KEY,
    brand_id   UUID NOT NULL REFERENCES brands(id),
    visitor_id UUID NOT NULL REFERENCES visitors(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX visitor_tokens_visitor ON visitor_tokens (brand_id, visitor_id);

CREATE TABLE mail_jobs (
    id              UUID PRIMARY KEY,
    brand_id        UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('follow_up', 'transcript')),
    run_at          BIGINT NOT NULL,
    locked_until    BIGINT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    CONSTRAINT mail_jobs_kind_conversation_key UNIQUE (kind, conversation_id)
);
CREATE INDEX mail_jobs_due ON mail_jobs (run_at);

CREATE TABLE mail_batches (
    id              UUID PRIMARY KEY,
    brand_id        UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('follow_up', 'transcript')),
    seqs            TEXT NOT NULL,
    last_seq        BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX mail_batches_conversation ON mail_batches (brand_id, conversation_id, kind, created_at);
