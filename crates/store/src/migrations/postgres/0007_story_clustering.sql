-- Story clustering in the pipeline: what the decision needs, persisted, so every node decides
-- the same from the database alone.
-- Why an article is in its story ("similarity 0.41 …; shares entities …", "republication of …").
ALTER TABLE articles ADD COLUMN story_reason TEXT;

-- Each story's centroid, capped to its heaviest features. last_at mirrors the story's latest
-- article so candidate lookup is one index range per term, bounded by LIMIT.
CREATE TABLE story_terms (
    story_id BIGINT  NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    term     TEXT    NOT NULL,
    weight   DOUBLE PRECISION NOT NULL,
    last_at  BIGINT  NOT NULL,
    PRIMARY KEY (story_id, term)
);
CREATE INDEX story_terms_term ON story_terms (term, last_at);

-- Document frequencies of features for IDF; the row with term '' counts the documents.
CREATE TABLE term_df (
    term TEXT    PRIMARY KEY,
    df   BIGINT  NOT NULL
);
