-- Search ranks the newest matches by relevance and recency, so it reads each match's publication
-- time. From `articles` that is one wide row (text and HTML) per match, scattered over the whole
-- file; this narrow copy holds hundreds per page. Derived, kept in step by triggers (like the
-- full-text index), and not written to backups.
CREATE TABLE article_times (
    id           INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    published_at INTEGER NOT NULL
);
INSERT INTO article_times (id, published_at) SELECT id, published_at FROM articles;
CREATE TRIGGER article_times_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_times (id, published_at) VALUES (new.id, new.published_at);
END;
CREATE TRIGGER article_times_update AFTER UPDATE OF published_at ON articles BEGIN
    UPDATE article_times SET published_at = new.published_at WHERE id = new.id;
END;
-- Besides the foreign key's cascade: a connection without `PRAGMA foreign_keys` must not leave
-- a stale time behind.
CREATE TRIGGER article_times_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_times WHERE id = old.id;
END;
