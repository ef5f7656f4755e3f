-- Old entity slugs (before a rename) keep working: their pages redirect to the entity.
CREATE TABLE entity_redirects (
    slug      TEXT    PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE
);
CREATE INDEX quotes_speaker_article ON quotes (speaker_entity_id, article_id);
