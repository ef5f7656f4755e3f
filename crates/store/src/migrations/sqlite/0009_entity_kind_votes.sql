-- The kind each article gives an entity, and per entity the mentions recognised as each kind
-- (kept up to date as articles are stored and replaced), so an entity's kind is the majority
-- of its mentions rather than whatever the first article said, at a constant cost per write.
ALTER TABLE article_entities ADD COLUMN kind TEXT;
ALTER TABLE entities ADD COLUMN person_votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN organization_votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN place_votes INTEGER NOT NULL DEFAULT 0;
