-- API tokens (only a SHA-256 of each token is kept: the tokens are 32 random bytes, so a plain
-- hash is enough and a copy of the database opens no API), and sign-ups waiting for their
-- confirmation mail, so that sign-up answers alike whether or not an address has an account.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE pending_signups (
    token_hash    TEXT    PRIMARY KEY,
    email         TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX pending_signups_expiry ON pending_signups (expires_at);
