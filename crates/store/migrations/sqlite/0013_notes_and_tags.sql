-- Internal notes (sqlite): text experts and admins leave on a conversation; never part of
-- the visitor's timeline. Listed per conversation oldest first by (created_at, id).
CREATE TABLE notes (
    id BLOB PRIMARY KEY,
    brand_id BLOB NOT NULL REFERENCES brands(id),
    conversation_id BLOB NOT NULL REFERENCES conversations(id),
    author_kind TEXT NOT NULL,
    author_id BLOB NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notes_conversation ON notes (brand_id, conversation_id, created_at, id);
-- Tags: a brand's names (unique per brand) and the tags on its conversations.
CREATE TABLE tags (
    id BLOB PRIMARY KEY,
    brand_id BLOB NOT NULL REFERENCES brands(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT tags_brand_name_key UNIQUE (brand_id, name)
);
CREATE TABLE conversation_tags (
    brand_id BLOB NOT NULL REFERENCES brands(id),
    conversation_id BLOB NOT NULL REFERENCES conversations(id),
    tag_id BLOB NOT NULL REFERENCES tags(id),
    PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (brand_id, tag_id);
