-- What was wrong with the last document a feed served that could still be read (feedparser's
-- bozo: a stray `&`, a wrong encoding declaration): shown beside the feed until a clean fetch.
ALTER TABLE feeds ADD COLUMN last_warning TEXT;
