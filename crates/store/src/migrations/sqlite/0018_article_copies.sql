-- An article's page lists who republished it: the copies linked to it as their original.
CREATE INDEX articles_copies ON articles (original_article_id) WHERE original_article_id IS NOT NULL;
