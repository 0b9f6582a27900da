-- Snooze budget (PostgreSQL): a brand allows a conversation `snooze_budget` silent returns from a
-- snooze in a row (`snooze_budget_mode`: only suggest closing, or refuse a further snooze);
-- each conversation counts its silent returns in a row.
ALTER TABLE brands ADD COLUMN snooze_budget BIGINT NOT NULL DEFAULT 2;
ALTER TABLE brands ADD COLUMN snooze_budget_mode TEXT NOT NULL DEFAULT 'suggest'
    CHECK (snooze_budget_mode IN ('suggest', 'refuse'));
ALTER TABLE conversations ADD COLUMN silent_expiries BIGINT NOT NULL DEFAULT 0;

-- Existing conversations get their true count from their timelines: the snooze expiries
-- (woken, reason snooze_expired) after the visitor's last message.
UPDATE conversations SET silent_expiries = (
    SELECT COUNT(*) FROM events w
    WHERE w.conversation_id = conversations.id AND w.kind = 'woken'
      AND w.data LIKE '%"reason":"snooze_expired"%'
      AND w.seq > COALESCE((
          SELECT MAX(m.seq) FROM events m
          WHERE m.conversation_id = conversations.id AND m.kind = 'message'
            AND m.data LIKE '{"type":"message","author":{"kind":"visitor"%'
      ), 0)
);
