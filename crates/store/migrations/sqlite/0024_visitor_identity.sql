-- Signed visitor identity. A brand's identity secret signs its customer ids (the brand's
-- backend computes hex(HMAC-SHA256(secret, customer_id))); admins see and rotate it.
CREATE TABLE identity_secrets (
    brand_id   BLOB PRIMARY KEY REFERENCES brands(id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    rotated_at BIGINT NOT NULL
);

-- The customer a visitor was verified as (NULL: anonymous); one visitor per customer.
ALTER TABLE visitors ADD COLUMN customer_id TEXT;
CREATE UNIQUE INDEX visitors_brand_customer ON visitors (brand_id, customer_id);

-- More browsers of one signed visitor each hold their own token: `visitor_tokens`
-- (migration 0022, shared with reopen links).
