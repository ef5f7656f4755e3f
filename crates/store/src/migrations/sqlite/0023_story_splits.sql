-- A story's review can move a group of its articles to a story of their own; the new story
-- names the one it came from, so both pages can link to each other.
ALTER TABLE stories ADD COLUMN split_from BIGINT REFERENCES stories (id) ON DELETE SET NULL;
CREATE INDEX stories_split_from ON stories (split_from) WHERE split_from IS NOT NULL;
