-- For an article extracted from a page: which source gave each metadata field (JSON object,
-- field → source, e.g. {"title":"json-ld","published_at":"dateline"}); '{}' for feed entries.
ALTER TABLE articles ADD COLUMN metadata_sources_json TEXT NOT NULL DEFAULT '{}';
