-- A story's centroid moves into one column of its row: the decision reads one row per candidate
-- story instead of one per feature, and a joining article rewrites one row instead of 64.
ALTER TABLE stories ADD COLUMN centroid TEXT NOT NULL DEFAULT '[]';
-- The event evidence (years, numbers, weekdays) of the story's most recent articles, JSON,
-- oldest first: a new article that disagrees with them is less likely to join (see
-- tidings-cluster's evidence module). Stories stored before this start with none.
ALTER TABLE stories ADD COLUMN recent_evidence TEXT NOT NULL DEFAULT '[]';
UPDATE stories SET centroid = COALESCE(
    (SELECT json_group_array(json_array(term, weight))
     FROM (SELECT term, weight FROM story_terms t WHERE t.story_id = stories.id
           ORDER BY weight DESC, term)),
    '[]');

-- story_terms keeps only the postings for candidate lookup. A posting's last_at is now the
-- latest article that brought that feature to the story, so only those postings are touched.
-- WITHOUT ROWID: the term index then carries story_id itself (lookups never visit the table),
-- and the table is its primary key alone instead of a rowid table beside it.
CREATE TABLE story_terms_next (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    term     TEXT    NOT NULL,
    last_at  INTEGER NOT NULL,
    PRIMARY KEY (story_id, term)
) WITHOUT ROWID;
INSERT INTO story_terms_next (story_id, term, last_at) SELECT story_id, term, last_at FROM story_terms;
DROP TABLE story_terms;
ALTER TABLE story_terms_next RENAME TO story_terms;
CREATE INDEX story_terms_term ON story_terms (term, last_at);

-- The same for the LSH bands: the primary key is the lookup, the rowid table was dead weight.
CREATE TABLE article_lsh_bands_next (
    band        INTEGER NOT NULL,
    bucket_hash INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket_hash, article_id)
) WITHOUT ROWID;
INSERT INTO article_lsh_bands_next SELECT band, bucket_hash, article_id FROM article_lsh_bands;
DROP TABLE article_lsh_bands;
ALTER TABLE article_lsh_bands_next RENAME TO article_lsh_bands;
CREATE INDEX article_lsh_bands_article ON article_lsh_bands (article_id);
