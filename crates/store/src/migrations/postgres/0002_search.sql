-- Full-text search over titles (weight A) and text (weight B): an English tsvector kept in step
-- by a trigger, diacritics folded with the unaccent extension when the server has it.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available; search will not fold diacritics';
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        EXECUTE $f$CREATE OR REPLACE FUNCTION tidings_fold(t text) RETURNS text
            LANGUAGE sql STABLE AS 'SELECT public.unaccent(''public.unaccent''::regdictionary, t)'$f$;
    ELSE
        EXECUTE $f$CREATE OR REPLACE FUNCTION tidings_fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE AS 'SELECT t'$f$;
    END IF;
END $$;

ALTER TABLE articles ADD COLUMN search_vector tsvector;

CREATE FUNCTION articles_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', tidings_fold(NEW.title)), 'A') ||
        setweight(to_tsvector('english', tidings_fold(NEW.text)), 'B');
    RETURN NEW;
END $$;

CREATE TRIGGER articles_search_vector BEFORE INSERT OR UPDATE OF title, text ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_search_vector();

UPDATE articles SET title = title;
CREATE INDEX articles_search ON articles USING GIN (search_vector);
