-- Scales a `tidings bench pages` PostgreSQL database for the read benchmarks: every article,
-- story, entity link and tag is copied :copies times, with new ids after the existing ones, the
-- same dates and text. Filling 1,000,000 articles through the store (story assignment,
-- syndication fingerprints, document frequencies in each article's transaction) runs at
-- ~100 articles/s on the benchmark machine, hours for a million; the pages measured read only
-- the tables copied here, so a database of 20,000 stored articles copied 49 times has the
-- shape the week page, entity pages and search see at 1,000,000.
--
-- What it does not copy: the write side's tables (story term postings, LSH bands, signatures,
-- document frequencies), so the database is smaller than a filled one and more of it fits in
-- memory. Kept week rankings are dropped so that they are recomputed over the copies.
--
--   psql -v copies=49 -d DATABASE -f bench/replicate_pg.sql
--   tidings --database-url postgres://.../DATABASE bench pages --articles 1000000 --requests 200
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE span AS
    SELECT (SELECT max(id) FROM articles) AS articles, (SELECT max(id) FROM stories) AS stories;

-- Copies `tbl` once per k, in k order (so ids and the table's physical order agree, as after a
-- fill), with the columns in `shifted` moved by k spans and `renamed` ones suffixed by k. Only
-- the originals are copied: rows whose `key` column is within its span.
CREATE FUNCTION pg_temp.replicate(tbl text, key text, copies int, shifted jsonb, renamed text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cols text;
    exprs text;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum),
           string_agg(CASE
               WHEN shifted ? attname THEN format('%I + k * %s', attname, shifted ->> attname)
               WHEN attname = ANY (renamed) THEN format('%I || ''#'' || k', attname)
               ELSE quote_ident(attname) END, ', ' ORDER BY attnum)
    INTO cols, exprs
    FROM pg_attribute
    WHERE attrelid = tbl::regclass AND attnum > 0 AND NOT attisdropped;
    FOR k IN 1..copies LOOP
        EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I, (SELECT %s AS k) n WHERE %I <= %s',
                       tbl, cols, exprs, tbl, k, key, shifted ->> key);
    END LOOP;
END $$;

SELECT pg_temp.replicate('stories', 'id', :copies,
    jsonb_build_object('id', span.stories, 'first_article_id', span.articles), '{}') FROM span;

-- The copies' text is the original's: their search vectors are copied, not recomputed.
ALTER TABLE articles DISABLE TRIGGER articles_search_vector;
SELECT pg_temp.replicate('articles', 'id', :copies,
    jsonb_build_object('id', span.articles, 'story_id', span.stories,
                       'original_article_id', span.articles),
    '{article_key,url,content_hash}') FROM span;
ALTER TABLE articles ENABLE TRIGGER articles_search_vector;

SELECT pg_temp.replicate('article_entities', 'article_id', :copies,
    jsonb_build_object('article_id', span.articles), '{}') FROM span;
SELECT pg_temp.replicate('article_tags', 'article_id', :copies,
    jsonb_build_object('article_id', span.articles), '{}') FROM span;

DELETE FROM week_rankings;
DELETE FROM live_rankings;
SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles));
SELECT setval(pg_get_serial_sequence('stories', 'id'), (SELECT max(id) FROM stories));
COMMIT;
VACUUM ANALYZE;
