-- A story's centroid moves into one column of its row: the decision reads one row per candidate
-- story instead of one per feature, and a joining article rewrites one row instead of 64.
ALTER TABLE stories ADD COLUMN centroid TEXT NOT NULL DEFAULT '[]';
-- The event evidence (years, numbers, weekdays) of the story's most recent articles, JSON,
-- oldest first: a new article that disagrees with them is less likely to join (see
-- tidings-cluster's evidence module). Stories stored before this start with none.
ALTER TABLE stories ADD COLUMN recent_evidence TEXT NOT NULL DEFAULT '[]';
UPDATE stories s SET centroid = COALESCE(
    (SELECT json_agg(json_build_array(t.term, t.weight) ORDER BY t.weight DESC, t.term)::text
     FROM story_terms t WHERE t.story_id = s.id),
    '[]');

-- story_terms keeps only the postings for candidate lookup. A posting's last_at is now the
-- latest article that brought that feature to the story, so only those postings are touched.
-- The term index carries story_id, so a lookup can be answered from the index alone.
ALTER TABLE story_terms DROP COLUMN weight;
DROP INDEX story_terms_term;
CREATE INDEX story_terms_term ON story_terms (term, last_at, story_id);
