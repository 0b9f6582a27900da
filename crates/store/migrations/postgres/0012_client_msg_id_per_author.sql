-- A client message id is an idempotency key of its author: one author's retry finds their
-- own message, and another author may use the same id (PostgreSQL).
ALTER TABLE events ADD COLUMN author_key TEXT;
UPDATE events
   SET author_key = (data::jsonb -> 'author' ->> 'kind')
                    || COALESCE(':' || (data::jsonb -> 'author' ->> 'id'), '')
 WHERE client_msg_id IS NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_client_msg_id_key;
ALTER TABLE events ADD CONSTRAINT events_client_msg_id_key
    UNIQUE (conversation_id, author_key, client_msg_id);
