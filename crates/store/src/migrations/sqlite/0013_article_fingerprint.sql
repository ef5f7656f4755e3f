-- A digest of everything an article was stored from, so that storing the same article again
-- (an import or fetch rerun after a crash) changes nothing: without it, a rerun re-linked
-- entities and quote speakers against entities that later articles had created meanwhile.
ALTER TABLE articles ADD COLUMN fingerprint TEXT;
