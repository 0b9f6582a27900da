-- Who a closed conversation's contact belongs to (the expert who closed it, or who held it
-- when an admin closed it), so a follow-up knows whether it continues the same contact (SQLite).
ALTER TABLE conversations ADD COLUMN closer_id BLOB;
CREATE INDEX ledger_conversation ON ledger (brand_id, conversation_id);
