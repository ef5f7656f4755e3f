-- The kind each article gives an entity, so an entity's kind is the majority of its mentions
-- rather than whatever the first article said.
ALTER TABLE article_entities ADD COLUMN kind TEXT;
