-- A feed entry's GUID identifies it within its outlet even when its link changes: looked up
-- when an article's link is new.
CREATE INDEX articles_guid ON articles (guid);
