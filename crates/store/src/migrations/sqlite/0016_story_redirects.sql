-- A story merged into another (an article bridged two fragments of one event) leaves its id
-- here, so links to it keep working: its page redirects to the story it went into.
CREATE TABLE story_redirects (
    story_id INTEGER PRIMARY KEY,
    into_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE
);
CREATE INDEX story_redirects_into ON story_redirects (into_id);
