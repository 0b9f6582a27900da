-- A client message id is an idempotency key of its author: one author's retry finds their
-- own message, and another author may use the same id (SQLite: a table constraint cannot be
-- dropped, so the table is rebuilt with the same rows, positions and position counter).
CREATE TABLE events_new (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id BLOB NOT NULL REFERENCES brands(id),
    conversation_id BLOB NOT NULL REFERENCES conversations(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_msg_id TEXT,
    author_key TEXT,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT events_conversation_seq_key UNIQUE (conversation_id, seq),
    CONSTRAINT events_client_msg_id_key UNIQUE (conversation_id, author_key, client_msg_id)
);
INSERT INTO events_new (pos, brand_id, conversation_id, seq, kind, client_msg_id, author_key,
                        data, created_at)
SELECT pos, brand_id, conversation_id, seq, kind, client_msg_id,
       CASE WHEN client_msg_id IS NOT NULL
            THEN json_extract(data, '$.author.kind')
                 || COALESCE(':' || json_extract(data, '$.author.id'), '')
       END,
       data, created_at
  FROM events;
DELETE FROM sqlite_sequence WHERE name = 'events_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'events_new', seq FROM sqlite_sequence WHERE name = 'events';
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
