-- Search (PostgreSQL). `events.search` is a tsvector (GIN-indexed) of what the visitors and
-- experts wrote (not the automatic message; internal notes live elsewhere and are not
-- indexed) and of each conversation's visitor code (its `started` event). ASCII punctuation
-- is turned into spaces first, so words split as SQLite's unicode61 tokenizer splits them
-- (an e-mail address is three words on both). `conversation_experts`: who handled each
-- conversation (assigned, transferred to, snoozed for, wrote, closed), i.e. which experts
-- may find and read it.
ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (
    CASE
        WHEN kind = 'message' AND (data::jsonb -> 'author' ->> 'kind') <> 'system'
            THEN to_tsvector('simple'::regconfig,
                             regexp_replace(data::jsonb ->> 'body', '[[:punct:][:space:]]+', ' ', 'g'))
        WHEN kind = 'started'
            THEN to_tsvector('simple'::regconfig, upper(right(data::jsonb ->> 'visitor', 4)))
    END
) STORED;
CREATE INDEX events_search ON events USING GIN (search);

CREATE TABLE conversation_experts (
    brand_id UUID NOT NULL REFERENCES brands(id),
    conversation_id UUID NOT NULL REFERENCES conversations(id),
    expert_id UUID NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, expert_id)
);
CREATE INDEX conversation_experts_expert ON conversation_experts (brand_id, expert_id);

INSERT INTO conversation_experts (brand_id, conversation_id, expert_id, since)
SELECT brand_id, conversation_id, expert::uuid, MIN(created_at)
  FROM (SELECT brand_id, conversation_id, created_at,
               CASE WHEN kind IN ('assigned', 'snoozed', 'woken') THEN data::jsonb ->> 'expert'
                    WHEN kind = 'transferred' THEN data::jsonb ->> 'to'
                    WHEN kind = 'message' AND data::jsonb -> 'author' ->> 'kind' = 'expert'
                        THEN data::jsonb -> 'author' ->> 'id'
                    WHEN kind = 'closed' AND data::jsonb -> 'by' ->> 'kind' = 'expert'
                        THEN data::jsonb -> 'by' ->> 'id'
               END AS expert
          FROM events) handled
 WHERE expert IS NOT NULL
 GROUP BY brand_id, conversation_id, expert
ON CONFLICT DO NOTHING;
