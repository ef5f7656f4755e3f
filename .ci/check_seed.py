#!/usr/bin/env python3
"""Checks `tidings import --json seed/page.txt` output against seed/expected.json: its "article",
its "entities" (persons, organisations, places with those canonical names, no `never_person`
as a person, aliases merged) and its "quotes" (speaker, opening words, verb where given).

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

    checked = 13 + len(e["text_excludes"])
    checked += check_entities(a, json.load(open(expected_path, encoding="utf-8")), check)

    if failures:
        print("seed check FAILED:")
        for f in failures:
            print("  -", f)
        sys.exit(1)
    print(f"seed check: all {checked} expectations of expected.json hold")


def check_entities(a, expected, check):
    """Entity and quote expectations; returns how many were checked."""
    ents = expected["entities"]
    by_kind = {}
    aliases = {}
    for ent in a["entities"]:
        by_kind.setdefault(ent["kind"], set()).add(norm(ent["name"]))
        aliases[norm(ent["name"])] = {norm(x) for x in ent.get("aliases", [])}
    n = 0
    for kind, key in [("person", "person"), ("organization", "organization"), ("place", "place")]:
        for name in ents[key]:
            n += 1
            check(f"{kind} {name!r}", norm(name) in by_kind.get(kind, set()), sorted(by_kind.get(kind, set())))
    for bad in ents["never_person"]:
        n += 1
        check(f"never_person {bad!r}", norm(bad) not in by_kind.get("person", set()), "tagged as a person")
    for name, alias in ents["aliases"].items():
        n += 1
        check(f"alias {alias!r} of {name!r}", norm(alias) in aliases.get(norm(name), set()), aliases.get(norm(name)))
    for q in expected["quotes"]:
        n += 1
        found = [
            got
            for got in a["quotes"]
            if norm(got["text"]).startswith(norm(q["text_starts_with"]))
        ]
        ok = any(
            got["speaker"] == q["speaker"] and ("verb" not in q or got["verb"] == q["verb"])
            for got in found
        )
        check(f"quote {q['text_starts_with'][:30]!r} by {q['speaker']}", ok, found)
    return n


if __name__ == "__main__":
    main(*sys.argv[1:3])
