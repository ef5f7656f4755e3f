-- Readers who asked for the weekly digest by e-mail (double opt-in), and which weeks went out.
CREATE TABLE digest_subscribers (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL UNIQUE,
    token           TEXT    NOT NULL UNIQUE,
    confirmed_at    INTEGER,
    unsubscribed_at INTEGER,
    created_at      INTEGER NOT NULL
);

-- One row per week whose digest was sent: the first node to insert it sends.
CREATE TABLE digest_sends (
    week_key   INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    recipients INTEGER NOT NULL DEFAULT 0
);
