-- Per-expert async cap: at most this many of the expert's slots hold conversations whose
-- visitor is not online (NULL: no cap; never above the capacity, checked by core).
ALTER TABLE experts ADD COLUMN async_cap BIGINT;
-- The brand's stale-work thresholds, in minutes: waiting for a reply (one day) and
-- snoozed (three days). Core's `StaleThresholds` holds the defaults and ranges.
ALTER TABLE brands ADD COLUMN stale_waiting_minutes BIGINT NOT NULL DEFAULT 1440;
ALTER TABLE brands ADD COLUMN stale_snoozed_minutes BIGINT NOT NULL DEFAULT 4320;
