#!/usr/bin/env python3
"""Scales a `tidings bench pages` SQLite database for the read benchmarks, as
`bench/replicate_pg.sql` does on PostgreSQL (read its header for why and what is left out):
every article, story, entity link and tag is copied COPIES times with new ids after the
existing ones, the same dates and text. The full-text index and `article_times` are kept by
the schema's own triggers, so the copies are tokenised and indexed as stored articles are.

    python3 bench/replicate_sqlite.py /tmp/b.db 49
    tidings --database-url sqlite:///tmp/b.db bench pages --articles 1000000 --requests 200
"""
import sqlite3
import sys
import time


def columns(db, table):
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def copy(db, table, copies, shifted):
    """INSERT … SELECT of `table` for k in 1..copies, with `shifted` columns moved by k spans."""
    cols = columns(db, table)
    exprs = []
    for c in cols:
        if c in shifted:
            exprs.append(f"{c} + k * {shifted[c]}")
        elif table == "articles" and c == "article_key":
            exprs.append("article_key || '#' || k")
        elif table == "articles" and c == "url":
            exprs.append("url || '#copy' || k")
        elif table == "articles" and c == "content_hash":
            exprs.append("content_hash || k")
        else:
            exprs.append(c)
    db.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {copies}) "
        f"SELECT {', '.join(exprs)} FROM n, {table} ORDER BY k"
    )


def main():
    path, copies = sys.argv[1], int(sys.argv[2])
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA cache_size = -262144")
    started = time.time()
    articles = db.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    stories = db.execute("SELECT MAX(id) FROM stories").fetchone()[0]
    db.execute("BEGIN")
    copy(db, "stories", copies, {"id": stories, "first_article_id": articles})
    copy(
        db,
        "articles",
        copies,
        {"id": articles, "story_id": stories, "original_article_id": articles},
    )
    copy(db, "article_entities", copies, {"article_id": articles})
    copy(db, "article_tags", copies, {"article_id": articles})
    # Kept rankings would hold only the originals: recomputed over the copies.
    db.execute("DELETE FROM week_rankings")
    db.execute("DELETE FROM live_rankings")
    db.execute("COMMIT")
    db.execute("ANALYZE")
    total = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    print(f"{total} articles after {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
