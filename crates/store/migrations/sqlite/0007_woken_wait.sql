-- How long a woken conversation waits for its own expert while they are full or away
-- before it is passed on to the brand queue (minutes; the default equals the offline grace).
ALTER TABLE brands ADD COLUMN woken_wait_minutes BIGINT NOT NULL DEFAULT 120;
