-- The running week's ranking, computed by one node and read by the others until it is older
-- than their cache lifetime or the week's article count moved. `ranking_json` holds the ranked
-- stories (story, rank, score, parts); `claimed_until` is the lease of the node recomputing it.
CREATE TABLE live_rankings (
    week_key      INTEGER PRIMARY KEY,
    computed_at   INTEGER NOT NULL,
    article_count INTEGER NOT NULL,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    ranking_json  TEXT    NOT NULL
);
