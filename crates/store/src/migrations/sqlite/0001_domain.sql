-- The whole domain of SPEC.md. Times are UTC Unix seconds (INTEGER) on both databases so that
-- one set of queries serves SQLite and PostgreSQL; days are 'YYYY-MM-DD' text; ISO weeks are
-- integer keys year*100+week.

CREATE TABLE outlets (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    slug            TEXT    NOT NULL UNIQUE,
    domain          TEXT,
    language        TEXT,
    description     TEXT,
    policy          TEXT    NOT NULL DEFAULT 'excerpt' CHECK (policy IN ('full', 'excerpt', 'link')),
    extraction_mode TEXT    NOT NULL DEFAULT 'when-summary' CHECK (extraction_mode IN ('always', 'when-summary', 'never')),
    created_at      INTEGER NOT NULL
);
CREATE INDEX outlets_domain ON outlets (domain);

CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    outlet_id       INTEGER NOT NULL REFERENCES outlets (id) ON DELETE CASCADE,
    url             TEXT    NOT NULL UNIQUE,
    title           TEXT,
    format          TEXT,
    section         TEXT,
    etag            TEXT,
    last_modified   TEXT,
    enabled         INTEGER NOT NULL DEFAULT 1,
    next_fetch_at   INTEGER NOT NULL DEFAULT 0,
    last_fetch_at   INTEGER,
    last_success_at INTEGER,
    error_count     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    lease_owner     TEXT,
    lease_until     INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX feeds_due ON feeds (enabled, next_fetch_at);

CREATE TABLE stories (
    id               INTEGER PRIMARY KEY,
    headline         TEXT    NOT NULL,
    first_article_id INTEGER,
    first_outlet_id  INTEGER REFERENCES outlets (id) ON DELETE SET NULL,
    first_seen_at    INTEGER NOT NULL,
    last_updated_at  INTEGER NOT NULL,
    article_count    INTEGER NOT NULL DEFAULT 0,
    outlet_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_first_seen ON stories (first_seen_at);

CREATE TABLE articles (
    id                    INTEGER PRIMARY KEY,
    article_key           TEXT    NOT NULL UNIQUE,
    outlet_id             INTEGER NOT NULL REFERENCES outlets (id),
    feed_id               INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    story_id              INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    url                   TEXT,
    guid                  TEXT,
    content_hash          TEXT    NOT NULL,
    title                 TEXT    NOT NULL,
    authors_json          TEXT    NOT NULL DEFAULT '[]',
    published_at          INTEGER NOT NULL,
    updated_at            INTEGER,
    week_key              INTEGER NOT NULL,
    section               TEXT,
    section_slug          TEXT,
    language              TEXT,
    summary               TEXT,
    text                  TEXT    NOT NULL,
    html                  TEXT    NOT NULL,
    word_count            INTEGER NOT NULL DEFAULT 0,
    image_url             TEXT,
    original_outlet       TEXT,
    original_url          TEXT,
    original_published_at INTEGER,
    original_article_id   INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    views_imported        INTEGER NOT NULL DEFAULT 0,
    comments_imported     INTEGER NOT NULL DEFAULT 0,
    views_counted         INTEGER NOT NULL DEFAULT 0,
    source                TEXT,
    ingested_at           INTEGER NOT NULL,
    modified_at           INTEGER NOT NULL
);
CREATE INDEX articles_week ON articles (week_key, story_id);
CREATE INDEX articles_story ON articles (story_id, published_at);
CREATE INDEX articles_outlet ON articles (outlet_id, published_at);
CREATE INDEX articles_section ON articles (section_slug, published_at);
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_hash ON articles (content_hash);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    slug       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, slug)
);
CREATE INDEX article_tags_slug ON article_tags (slug);

CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('person', 'organization', 'place')),
    slug       TEXT    NOT NULL UNIQUE,
    merged_into INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE entity_aliases (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias     TEXT    NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_alias ON entity_aliases (alias);

CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    mentions   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (article_id, entity_id)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id);

CREATE TABLE quotes (
    id                INTEGER PRIMARY KEY,
    article_id        INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    speaker           TEXT,
    speaker_entity_id INTEGER REFERENCES entities (id) ON DELETE SET NULL,
    text              TEXT    NOT NULL,
    verb              TEXT
);
CREATE INDEX quotes_article ON quotes (article_id, position);
CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'moderator', 'admin')),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    story_id   INTEGER REFERENCES stories (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden', 'deleted')),
    created_at INTEGER NOT NULL,
    edited_at  INTEGER,
    CHECK (article_id IS NOT NULL OR story_id IS NOT NULL)
);
CREATE INDEX comments_article ON comments (article_id, status);
CREATE INDEX comments_story ON comments (story_id, status);

CREATE TABLE article_views_daily (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day        TEXT    NOT NULL,
    views      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, day)
);

-- One row per (article, day, visitor) so that a visitor counts once a day; the visitor is a
-- salted hash, never an address. Rows older than a few days are pruned.
CREATE TABLE article_view_visitors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day        TEXT    NOT NULL,
    visitor    TEXT    NOT NULL,
    PRIMARY KEY (article_id, day, visitor)
);
CREATE INDEX article_view_visitors_day ON article_view_visitors (day);

-- Rankings of finished weeks are computed once and kept, so past weeks stay stable.
CREATE TABLE week_rankings (
    week_key    INTEGER NOT NULL,
    rank        INTEGER NOT NULL,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    score       REAL    NOT NULL,
    parts_json  TEXT    NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (week_key, rank)
);
