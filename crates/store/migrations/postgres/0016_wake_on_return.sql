-- Snooze until the visitor is back (postgres): 1 marks a snooze that also ends when the
-- visitor returns (snoozed_until is then its at-most deadline, still timed by its job row);
-- the partial index finds a visitor's return-snoozes when their widget connects.
ALTER TABLE conversations ADD COLUMN wake_on_return BIGINT NOT NULL DEFAULT 0
    CHECK (wake_on_return IN (0, 1));
CREATE INDEX conversations_return_snoozes ON conversations (brand_id, visitor_id)
    WHERE wake_on_return = 1;
