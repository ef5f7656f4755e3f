-- Adaptive polling and a fetch history for every feed.
ALTER TABLE feeds ADD COLUMN interval_secs INTEGER NOT NULL DEFAULT 3600;

CREATE TABLE fetch_log (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    fetched_at   INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('ok', 'not-modified', 'error')),
    new_articles INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    duration_ms  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_log_feed ON fetch_log (feed_id, fetched_at);
