-- Accounts and comments: reports by readers, the moderation log, password resets, and the
-- hashed address a comment came from (for per-address rate limits; never the address itself).
ALTER TABLE comments ADD COLUMN ip_hash TEXT;
CREATE INDEX comments_user_time ON comments (user_id, created_at);
CREATE INDEX comments_ip_time ON comments (ip_hash, created_at);

CREATE TABLE comment_reports (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

CREATE TABLE moderation_log (
    id           INTEGER PRIMARY KEY,
    comment_id   INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    moderator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action       TEXT    NOT NULL,
    note         TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX moderation_log_time ON moderation_log (created_at);

CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
