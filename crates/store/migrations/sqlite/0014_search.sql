-- Search (SQLite). `events_search` is an FTS5 index (rowid = the event's pos) of what the
-- visitors and experts wrote (not the automatic message; internal notes live elsewhere and
-- are not indexed) and of each conversation's visitor code (its `started` event), kept in
-- step with `events` by triggers. The tokenizer keeps diacritics, as PostgreSQL's `simple`
-- configuration does. `conversation_experts`: who handled each conversation (assigned,
-- transferred to, snoozed for, wrote, closed), i.e. which experts may find and read it.
CREATE VIRTUAL TABLE events_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');

CREATE TRIGGER events_search_insert AFTER INSERT ON events
WHEN new.kind = 'started'
  OR (new.kind = 'message' AND json_extract(new.data, '$.author.kind') <> 'system')
BEGIN
    INSERT INTO events_search (rowid, body)
    VALUES (new.pos, CASE new.kind WHEN 'message' THEN json_extract(new.data, '$.body')
                     ELSE upper(substr(json_extract(new.data, '$.visitor'), -4)) END);
END;

CREATE TRIGGER events_search_update AFTER UPDATE OF kind, data ON events
BEGIN
    DELETE FROM events_search WHERE rowid = old.pos;
    INSERT INTO events_search (rowid, body)
    SELECT new.pos, CASE new.kind WHEN 'message' THEN json_extract(new.data, '$.body')
                    ELSE upper(substr(json_extract(new.data, '$.visitor'), -4)) END
     WHERE new.kind = 'started'
        OR (new.kind = 'message' AND json_extract(new.data, '$.author.kind') <> 'system');
END;

CREATE TRIGGER events_search_delete AFTER DELETE ON events
BEGIN
    DELETE FROM events_search WHERE rowid = old.pos;
END;

INSERT INTO events_search (rowid, body)
SELECT pos, CASE kind WHEN 'message' THEN json_extract(data, '$.body')
            ELSE upper(substr(json_extract(data, '$.visitor'), -4)) END
  FROM events
 WHERE kind = 'started'
    OR (kind = 'message' AND json_extract(data, '$.author.kind') <> 'system');

CREATE TABLE conversation_experts (
    brand_id BLOB NOT NULL REFERENCES brands(id),
    conversation_id BLOB NOT NULL REFERENCES conversations(id),
    expert_id BLOB NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, expert_id)
);
CREATE INDEX conversation_experts_expert ON conversation_experts (brand_id, expert_id);

INSERT OR IGNORE INTO conversation_experts (brand_id, conversation_id, expert_id, since)
SELECT brand_id, conversation_id, unhex(replace(expert, '-', '')), MIN(created_at)
  FROM (SELECT brand_id, conversation_id, created_at,
               CASE WHEN kind IN ('assigned', 'snoozed', 'woken')
                        THEN json_extract(data, '$.expert')
                    WHEN kind = 'transferred' THEN json_extract(data, '$.to')
                    WHEN kind = 'message' AND json_extract(data, '$.author.kind') = 'expert'
                        THEN json_extract(data, '$.author.id')
                    WHEN kind = 'closed' AND json_extract(data, '$.by.kind') = 'expert'
                        THEN json_extract(data, '$.by.id')
               END AS expert
          FROM events)
 WHERE expert IS NOT NULL
 GROUP BY brand_id, conversation_id, expert;
