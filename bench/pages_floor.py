#!/usr/bin/env python3
"""The floor for `tidings bench pages`: the core SQL of each page run by hand in the database
shell (sqlite3 with `.timer on`, or psql with `\\timing`), repeated, median and p99 reported.

Usage (after `tidings bench pages` filled the database):
    python3 bench/pages_floor.py sqlite PATH.db WEEK_KEY ENTITY_SLUG WORD
    python3 bench/pages_floor.py postgres URL WEEK_KEY ENTITY_SLUG WORD
WEEK_KEY is year*100+week (202648), ENTITY_SLUG and WORD as the bench printed or chose.
"""
import re
import statistics
import subprocess
import sys

REPS = 50


def queries(week_key, entity, word, dialect, oldest):
    cards = ("SELECT a.id, a.story_id, a.title, o.name, a.section, a.published_at, a.summary "
             "FROM articles a JOIN outlets o ON o.id = a.outlet_id "
             f"WHERE a.week_key = {week_key} ORDER BY a.published_at, a.id")
    entity_q = ("SELECT a.id, a.title FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.id IN "
                "(SELECT ae.article_id FROM article_entities ae JOIN entities e ON e.id = ae.entity_id "
                f"WHERE e.slug = '{entity}') ORDER BY a.published_at DESC, a.id DESC LIMIT 26")
    if dialect == "sqlite":
        # The shell lacks tidings_rank() (registered by the store on its connections), so the
        # floor is what it scores: the newest 2,000 matches and their publication times. The
        # same with the built-in bm25(), which the store used before, is shown beside it.
        matches = ("FROM articles_fts JOIN article_times t ON t.id = articles_fts.rowid "
                   f"WHERE articles_fts MATCH '\"{word}\"' ORDER BY articles_fts.rowid DESC LIMIT 2000")
        return [("week page: the week's cards", cards), ("entity page: newest articles", entity_q),
                ("search: the newest matches to score", f"SELECT t.id, t.published_at {matches}"),
                ("search: the same scored by FTS5's bm25()",
                 f"SELECT t.id, -bm25(articles_fts, 4.0, 1.0) / (1.0 + (CAST(strftime('%s', 'now') AS REAL) - t.published_at) / 86400.0 / 60.0) {matches}")]
    else:
        # The store's first window: the newest 16,000 ids, in the bucketed index (migration 22),
        # the query folded as the store does (which also keeps the planner from guessing at it).
        search = ("SELECT m.id, ts_rank('{0.1, 0.2, 0.25, 1.0}', m.search_vector, m.q) FROM "
                  "(SELECT a.id, a.search_vector, q FROM articles a, to_tsquery('english', tidings_fold("
                  f"'{word}')) q WHERE a.search_vector @@ q AND a.id > {oldest} "
                  f"AND a.id / 4096 >= {oldest // 4096}::bigint ORDER BY a.id DESC LIMIT 2000) m")
    return [("week page: the week's cards", cards), ("entity page: newest articles", entity_q),
            ("search: scoring the newest matches", search)]


def run_sqlite(path, sql):
    script = ".timer on\n.output /dev/null\n" + (sql + ";\n") * REPS
    out = subprocess.run(["sqlite3", path], input=script, capture_output=True, text=True, check=True)
    return [float(m) * 1000 for m in re.findall(r"Run Time: real ([0-9.]+)", out.stdout + out.stderr)]


def run_psql(url, sql):
    script = "\\timing on\n\\o /dev/null\n" + (sql + ";\n") * REPS
    out = subprocess.run(["psql", "-X", "-q", url], input=script, capture_output=True, text=True, check=True)
    return [float(m) for m in re.findall(r"Time: ([0-9.]+) ms", out.stdout + out.stderr)]


def main():
    dialect, target, week_key, entity, word = sys.argv[1:6]
    run = run_sqlite if dialect == "sqlite" else run_psql
    print(f"| query (by hand in {'sqlite3' if dialect == 'sqlite' else 'psql'}) | runs | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: |")
    oldest = 0
    if dialect != "sqlite":
        newest = subprocess.run(["psql", "-X", "-Atc", "SELECT max(id) FROM articles", target],
                                capture_output=True, text=True, check=True).stdout.strip()
        oldest = max(0, int(newest or 0) - 16000)
    for name, sql in queries(week_key, entity, word, dialect, oldest):
        times = sorted(run(target, sql)[3:])
        p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
        print(f"| {name} | {len(times)} | {statistics.median(times):.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
