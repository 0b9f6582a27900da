-- Context at a glance (PostgreSQL): where each visitor is (their page as the widget last reported
-- it, referrer, language, time zone, and a country only from a trusted proxy when the brand
-- allows), since when a visitor waits for an answer, and the brand's country setting.
CREATE TABLE visitor_context (
    visitor_id UUID PRIMARY KEY REFERENCES visitors(id),
    brand_id UUID NOT NULL REFERENCES brands(id),
    page_url TEXT NOT NULL,
    page_title TEXT,
    referrer TEXT,
    language TEXT,
    time_zone TEXT,
    country TEXT,
    updated_at BIGINT NOT NULL
);
ALTER TABLE conversations ADD COLUMN visitor_waiting_since BIGINT;
-- Conversations whose last message is the visitor's wait since then (the closest known).
UPDATE conversations SET visitor_waiting_since = last_message_at
    WHERE last_author LIKE '{"kind":"visitor"%';
ALTER TABLE brands ADD COLUMN share_visitor_country BOOLEAN NOT NULL DEFAULT FALSE;
-- A list's last-message previews find the message written at a conversation's
-- last_message_at.
CREATE INDEX events_conversation_at ON events (conversation_id, created_at);
