-- Missions, purchases, the earnings ledger and satisfaction surveys (PostgreSQL).
-- The ledger is append-only; `dedup_key` makes paying the same thing twice impossible.
ALTER TABLE brands ADD COLUMN purchase_window_hours BIGINT NOT NULL DEFAULT 48;
ALTER TABLE conversations ADD COLUMN previous_id UUID;

CREATE TABLE missions (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    name TEXT NOT NULL,
    contact_fee_minor BIGINT CHECK (contact_fee_minor >= 0),
    contact_fee_currency TEXT,
    commission_bp BIGINT CHECK (commission_bp BETWEEN 0 AND 10000),
    created_at BIGINT NOT NULL
);

CREATE TABLE mission_members (
    brand_id UUID NOT NULL REFERENCES brands(id),
    mission_id UUID NOT NULL REFERENCES missions(id),
    expert_id UUID NOT NULL REFERENCES experts(id),
    joined_at BIGINT NOT NULL,
    CONSTRAINT mission_members_pkey PRIMARY KEY (mission_id, expert_id)
);

CREATE TABLE purchases (
    id UUID PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    order_id TEXT NOT NULL,
    visitor_id UUID NOT NULL REFERENCES visitors(id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    purchased_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refunded')),
    source TEXT NOT NULL CHECK (source IN ('server', 'widget')),
    conversation_id UUID REFERENCES conversations(id),
    expert_id UUID REFERENCES experts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT purchases_brand_order_key UNIQUE (brand_id, order_id)
);

CREATE TABLE ledger (
    pos BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brand_id UUID NOT NULL REFERENCES brands(id),
    expert_id UUID NOT NULL REFERENCES experts(id),
    mission_id UUID NOT NULL REFERENCES missions(id),
    kind TEXT NOT NULL CHECK (kind IN ('contact_fee', 'commission', 'commission_reversal')),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    conversation_id UUID REFERENCES conversations(id),
    purchase_id UUID REFERENCES purchases(id),
    dedup_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT ledger_dedup_key UNIQUE (dedup_key)
);
CREATE INDEX ledger_expert ON ledger (brand_id, expert_id, created_at);

CREATE TABLE csat (
    brand_id UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID PRIMARY KEY REFERENCES conversations(id),
    visitor_id UUID NOT NULL REFERENCES visitors(id),
    expert_id UUID REFERENCES experts(id),
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    created_at BIGINT NOT NULL
);
