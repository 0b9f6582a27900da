-- A brand's server-side signing key, made by the server on first use: it signs the links
-- and reply addresses Ebb puts in emails. Never shown to anyone.
CREATE TABLE brand_secrets (
    brand_id    BLOB PRIMARY KEY REFERENCES brands(id) ON DELETE CASCADE,
    link_secret TEXT NOT NULL
);
