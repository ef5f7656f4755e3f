-- Syndication: near-duplicate detection persisted, so every node sharing one database finds the
-- same candidates (see tidings-cluster's syndication module for the fingerprint and banding).
-- How much of the text matched when the link to the original was detected rather than read
-- from a provenance note (containment 0–1); NULL for a note or no link.
ALTER TABLE articles ADD COLUMN original_similarity REAL;

-- Each fingerprinted article's MinHash signature (hex) and shingle-set size.
CREATE TABLE article_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    minhash    TEXT    NOT NULL,
    shingles   INTEGER NOT NULL
);

-- LSH bands: articles sharing a (band, bucket_hash) are candidate copies of each other.
CREATE TABLE article_lsh_bands (
    band        INTEGER NOT NULL,
    bucket_hash INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket_hash, article_id)
);
CREATE INDEX article_lsh_bands_article ON article_lsh_bands (article_id);
