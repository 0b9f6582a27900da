-- Routing reads only what free slots can take (postgres): the head of a brand's queue in core's
-- order (released woken conversations first, then arrival, then id), each expert's
-- reserved conversations oldest first, and snooze expiries due per brand (fair claims).
CREATE INDEX conversations_brand_queue ON conversations (brand_id, (wake IS NULL), queued_at, id)
    WHERE status = 'queued' AND expert_id IS NULL;
CREATE INDEX conversations_reserved ON conversations (brand_id, expert_id, queued_at, id)
    WHERE status = 'queued' AND expert_id IS NOT NULL;
CREATE INDEX jobs_brand_due ON jobs (brand_id, run_at);
