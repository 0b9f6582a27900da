-- Data retention and erasure (sqlite): a brand's retention period in days after a
-- conversation closed (0 keeps everything); when a conversation's text was removed by the
-- retention sweep; when a visitor's data was erased (the row is then a pseudonym).
ALTER TABLE brands ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN purged_at BIGINT;
ALTER TABLE visitors ADD COLUMN erased_at BIGINT;
CREATE INDEX conversations_retention ON conversations (brand_id, closed_at) WHERE purged_at IS NULL;
