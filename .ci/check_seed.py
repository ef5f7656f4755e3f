#!/usr/bin/env python3
"""Checks `tidings import --json seed/page.txt` output against seed/expected.json's "article".

Text fields compare after Unicode NFC and whitespace collapsing, as expected.json says.
Usage: check_seed.py OUTPUT.jsonl EXPECTED.json
"""
import datetime
import json
import sys
import unicodedata


def norm(s):
    return " ".join(unicodedata.normalize("NFC", s).split())


def main(out_path, expected_path):
    lines = [l for l in open(out_path, encoding="utf-8") if l.strip()]
    if len(lines) != 1:
        sys.exit(f"expected one article, got {len(lines)}")
    a = json.loads(lines[0])
    e = json.load(open(expected_path, encoding="utf-8"))["article"]
    failures = []

    def check(name, ok, got):
        if not ok:
            failures.append(f"{name}: got {got!r}")

    check("title", norm(a["title"]) == norm(e["title"]), a["title"])
    check("authors", set(a["authors"]) == set(e["authors"]), a["authors"])
    check("outlet.name", a["outlet"]["name"] == e["outlet"]["name"], a["outlet"])
    published = a["published_at"] or ""
    check("published_at_date", published[:10] == e["published_at_date"], published)
    try:
        y, w, _ = datetime.date.fromisoformat(published[:10]).isocalendar()
        week = f"{y}-W{w:02d}"
    except ValueError:
        week = None
    check("iso_week", week == e["iso_week"], week)
    check("section", a["section"] == e["section"], a["section"])
    check("tags", set(a["tags"]) == set(e["tags"]), a["tags"])
    check("language", a["language"] == e["language"], a["language"])
    check("engagement", a["engagement"] == e["engagement"], a["engagement"])
    p = a["provenance"]
    check("provenance.original_outlet", p["original_outlet"] == e["provenance"]["original_outlet_domain"], p)
    check(
        "provenance.original_published_at",
        (p["original_published_at"] or "")[:10] == e["provenance"]["original_published_at_date"],
        p,
    )
    text = a["text"]
    check("text_starts_with", norm(text).startswith(norm(e["text_starts_with"])), text[:80])
    check("text_ends_with", norm(text).endswith(norm(e["text_ends_with"])), text[-80:])
    for banned in e["text_excludes"]:
        check(f"text_excludes {banned!r}", unicodedata.normalize("NFC", banned) not in unicodedata.normalize("NFC", text), "present")
    paragraphs = [x for x in text.split("\n\n") if x.strip()]
    check("paragraphs", len(paragraphs) == e["paragraphs"], len(paragraphs))

    if failures:
        print("seed check FAILED:")
        for f in failures:
            print("  -", f)
        sys.exit(1)
    print(f"seed check: all {13 + len(e['text_excludes'])} expectations of expected.json hold")


if __name__ == "__main__":
    main(*sys.argv[1:3])
