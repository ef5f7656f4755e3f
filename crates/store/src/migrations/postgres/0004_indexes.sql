-- Republications waiting for their original are looked up by date on every import; without
-- this index that lookup scanned every article.
CREATE INDEX articles_unlinked_copies ON articles (published_at)
    WHERE original_outlet IS NOT NULL AND original_article_id IS NULL;
CREATE INDEX articles_published ON articles (published_at);
