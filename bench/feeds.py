#!/usr/bin/env python3
"""Feed parsing speed: tidings-feed against Python feedparser, on the same files, in one run.

    python3 bench/feeds.py                 # from the repository root
    python3 bench/feeds.py --markdown      # also print the table as Markdown (docs/BENCHMARKS.md)

Corpora:
  fixtures  every *.xml / *.json under ../shared/datasets/feedparser-tests (read in place, never
            copied; skipped with a notice when absent; --fixtures DIR to point elsewhere)
  large     a few large RSS 2.0 and Atom 1.0 feeds written by a deterministic generator into a
            temporary folder (removed afterwards unless --keep; --large-dir DIR to reuse/keep)

For each corpus it builds and runs `crates/feed/examples/bench_parse.rs` (release, one thread,
tidings_feed::parse_document on preloaded bytes), then times feedparser.parse on exactly the same
files in a fresh Python child process (preloaded bytes, one thread). Both sides use the same
repetition rule: one untimed warm-up pass, then whole timed passes until --min-seconds (default 2)
have gone by, at least one (or exactly --reps passes). MB = 10^6 bytes. Speed-up is the ratio
of times per pass (= ratio of MB/s: same bytes). The two run alternately --rounds times (default
3) and each keeps its fastest run, since the machine may be shared.

Needs feedparser (`pip install 'feedparser>=6.0.11'`); installs nothing itself.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = REPO.parent / "shared" / "datasets" / "feedparser-tests"
TARGET_SPEEDUP = 50.0


# --------------------------------------------------------------------------------------------
# Files: the same selection rule as bench_parse.rs (a file as given; folders recursively for
# *.xml and *.json, sorted).


def collect(paths: list[Path]) -> list[Path]:
    out: list[Path] = []

    def walk(p: Path) -> None:
        if not p.is_dir():
            out.append(p)
            return
        for child in sorted(p.iterdir()):
            if child.is_dir():
                walk(child)
            elif child.suffix in (".xml", ".json"):
                out.append(child)

    for p in paths:
        walk(p)
    return out


# --------------------------------------------------------------------------------------------
# Large feeds: deterministic (fixed seeds, fixed clock), realistic shapes.

WORDS = (
    "the of and to in a is that for on with as was by at from it his an were are which this be "
    "has had have not but its they been their more one who also after first new two would other "
    "government minister council city people year years week police court report said says "
    "according state officials million percent local region river harbour bridge election vote "
    "budget school hospital water energy market prices company workers union strike talks deal "
    "agreement treaty border trade ministry committee inquiry residents village mayor festival "
    "season team match league record storm flood drought farmers harvest railway airport port "
    "museum library university students research study scientists climate forest coast island"
).split()
SECTIONS = ["World", "Politics", "Business", "Science", "Culture", "Sport", "Local", "Opinion"]
TAGS = [
    "elections", "economy", "climate", "transport", "health", "education", "housing", "courts",
    "energy", "farming", "fisheries", "tourism", "technology", "arts", "football", "weather",
]
AUTHORS = ["Mira Okafor", "Tomas Lindqvist", "Ana Ferreira", "Jonas Weber", "Leila Haddad",
           "Priya Raman", "Oskar Nowak", "Chloe Martin", "Kenji Sato", "Fatima Diallo"]
EPOCH = datetime(2025, 3, 24, 18, 0, 0, tzinfo=timezone.utc)


def sentence(rng: random.Random, lo: int = 8, hi: int = 24) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def paragraph_html(rng: random.Random, site: str) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        s = escape(sentence(rng))
        r = rng.random()
        if r < 0.25:
            w = rng.choice(WORDS)
            s = s.replace(f" {w} ", f' <a href="/topics/{w}">{w}</a> ', 1)
        elif r < 0.35:
            w = rng.choice(WORDS)
            s = s.replace(f" {w} ", f" <em>{w}</em> ", 1)
        elif r < 0.42:
            s = s.replace(" the ", ' <a href="https://%s/archive/%d">the</a> '
                          % (site, rng.randint(1000, 99999)), 1)
        parts.append(s)
    return "<p>" + " ".join(parts) + "</p>"


def body_html(rng: random.Random, site: str, i: int) -> str:
    blocks = []
    n = rng.randint(3, 7)
    for k in range(n):
        blocks.append(paragraph_html(rng, site))
        if k == 1 and rng.random() < 0.5:
            blocks.append(
                f'<figure><img src="/media/{i}-{k}.jpg" alt="{escape(sentence(rng, 4, 8))}" '
                f'width="800" height="450"><figcaption>{escape(sentence(rng, 5, 10))}'
                "</figcaption></figure>")
        if k == 2 and rng.random() < 0.3:
            blocks.append(f"<blockquote><p>“{escape(sentence(rng))}”</p></blockquote>")
        if k == 3 and rng.random() < 0.2:
            items = "".join(f"<li>{escape(sentence(rng, 4, 9))}</li>" for _ in range(3))
            blocks.append(f"<ul>{items}</ul>")
        if k == 2 and rng.random() < 0.05:
            # The odd embed and tracking attributes that real feeds carry and sanitizers drop.
            blocks.append('<p style="color:red" onclick="track()">Read more</p>'
                          '<script>analytics.page("story")</script>')
    return "\n".join(blocks)


def entry_fields(rng: random.Random, site: str, i: int) -> dict:
    when = EPOCH - timedelta(minutes=17 * i + rng.randint(0, 16))
    slug = "-".join(rng.choice(WORDS) for _ in range(5))
    return {
        "title": sentence(rng, 6, 14)[:-1],
        "link": f"https://{site}/{when:%Y/%m/%d}/{slug}-{i}",
        "guid": f"https://{site}/a/{1_000_000 + i}",
        "when": when,
        "updated": when + timedelta(minutes=rng.randint(0, 240)),
        "author": rng.choice(AUTHORS),
        "summary": " ".join(sentence(rng) for _ in range(2)),
        "body": body_html(rng, site, i),
        "section": rng.choice(SECTIONS),
        "tags": rng.sample(TAGS, rng.randint(1, 4)),
        "enclosure": (f"https://cdn.{site}/img/{i}.jpg", rng.randint(40_000, 900_000))
        if rng.random() < 0.7 else None,
    }


def rss_feed(seed: int, n: int, site: str, title: str) -> str:
    rng = random.Random(seed)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>https://{site}/</link>\n"
        f"<description>News from {escape(title)}</description>\n<language>en-gb</language>\n"
        f'<atom:link href="https://{site}/feed.rss" rel="self" type="application/rss+xml"/>\n'
        f"<lastBuildDate>{format_datetime(EPOCH)}</lastBuildDate>\n"
        "<generator>tidings bench generator</generator>\n"
    ]
    for i in range(n):
        e = entry_fields(rng, site, i)
        cats = "".join(f"<category>{t}</category>" for t in [e["section"], *e["tags"]])
        enc = ""
        if e["enclosure"]:
            url, length = e["enclosure"]
            enc = (f'<enclosure url="{url}" length="{length}" type="image/jpeg"/>'
                   f'<media:thumbnail url="{url}?w=300" width="300" height="169"/>')
        out.append(
            "<item>\n"
            f"<title>{escape(e['title'])}</title>\n<link>{e['link']}</link>\n"
            f'<guid isPermaLink="false">{e["guid"]}</guid>\n'
            f"<pubDate>{format_datetime(e['when'])}</pubDate>\n"
            f"<dc:creator>{e['author']}</dc:creator>\n{cats}\n{enc}\n"
            f"<description>{escape(e['summary'])}</description>\n"
            f"<content:encoded><![CDATA[{e['body']}]]></content:encoded>\n"
            "</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def atom_feed(seed: int, n: int, site: str, title: str, xhtml: bool = False) -> str:
    rng = random.Random(seed)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://{site}/">\n'
        f"<title>{escape(title)}</title>\n<subtitle>Latest from {escape(title)}</subtitle>\n"
        f'<link rel="alternate" type="text/html" href="https://{site}/"/>\n'
        f'<link rel="self" href="https://{site}/feed.atom"/>\n'
        f"<id>tag:{site},2025:feed</id>\n<updated>{EPOCH.isoformat()}</updated>\n"
        f'<generator uri="https://{site}/" version="1.0">tidings bench generator</generator>\n'
    ]
    for i in range(n):
        e = entry_fields(rng, site, i)
        cats = "".join(f'<category term="{t}" scheme="https://{site}/tags/" label="{t.title()}"/>'
                       for t in e["tags"])
        cats += f'<category term="{e["section"].lower()}" label="{e["section"]}"/>'
        enc = ""
        if e["enclosure"]:
            url, length = e["enclosure"]
            enc = f'<link rel="enclosure" type="image/jpeg" length="{length}" href="{url}"/>'
        if xhtml:
            # Atom's inline XHTML: the body must be well-formed XML, so no <img> without slash.
            body = e["body"].replace('height="450">', 'height="450"/>')
            content = ('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                       f"{body}</div></content>")
        else:
            content = f'<content type="html">{escape(e["body"])}</content>'
        out.append(
            "<entry>\n"
            f"<title>{escape(e['title'])}</title>\n"
            f'<link rel="alternate" type="text/html" href="{e["link"]}"/>\n{enc}\n'
            f"<id>{e['guid']}</id>\n<published>{e['when'].isoformat()}</published>\n"
            f"<updated>{e['updated'].isoformat()}</updated>\n"
            f"<author><name>{e['author']}</name><uri>https://{site}/authors/"
            f"{e['author'].lower().replace(' ', '-')}</uri></author>\n{cats}\n"
            f'<summary type="text">{escape(e["summary"])}</summary>\n{content}\n'
            "</entry>\n")
    out.append("</feed>\n")
    return "".join(out)


LARGE_FEEDS = [
    # (file name, builder)
    ("rss-harbour-ledger-2000.xml",
     lambda: rss_feed(1, 2000, "harbour-ledger.example", "The Harbour Ledger")),
    ("rss-valley-courier-500.xml",
     lambda: rss_feed(2, 500, "valley-courier.example", "Valley Courier")),
    ("atom-northern-star-1500.xml",
     lambda: atom_feed(3, 1500, "northern-star.example", "Northern Star")),
    ("atom-xhtml-coast-gazette-1000.xml",
     lambda: atom_feed(4, 1000, "coast-gazette.example", "Coast Gazette", xhtml=True)),
]


def generate(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in LARGE_FEEDS:
        path = folder / name
        if not path.exists():
            path.write_text(build(), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The two parsers.


def build_rust() -> Path:
    cmd = ["cargo", "build", "--release", "-p", "tidings-feed", "--example", "bench_parse",
           "--message-format=json-render-diagnostics"]
    print("$ " + " ".join(cmd[:-1]), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"cargo build failed ({proc.returncode})")
    exe = None
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "bench_parse":
            exe = msg.get("executable")
    if not exe:
        sys.exit("cargo did not report the bench_parse executable")
    return Path(exe)


def rep_args(min_seconds: float, reps: int | None) -> list[str]:
    return ["--reps", str(reps)] if reps else ["--min-seconds", str(min_seconds)]


def run_rust(exe: Path, paths: list[Path], min_seconds: float, reps: int | None) -> dict:
    cmd = [str(exe), *rep_args(min_seconds, reps), *map(str, paths)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_python(paths: list[Path], min_seconds: float, reps: int | None) -> dict:
    """feedparser in a fresh child process, so that its peak RSS is its own."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--feedparser-worker",
           *rep_args(min_seconds, reps), *map(str, paths)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def feedparser_worker(paths: list[Path], min_seconds: float, fixed_reps: int | None) -> None:
    import feedparser

    warnings.simplefilter("ignore")
    files = collect(paths)
    docs = [f.read_bytes() for f in files]
    size = sum(map(len, docs))

    def one_pass() -> tuple[int, int]:
        entries = bozo = 0
        for data in docs:
            # A stream, as feedparser's docs advise for data: a bare bytes value would first be
            # tried as a file name.
            d = feedparser.parse(io.BytesIO(data))
            entries += len(d.entries)
            bozo += bool(d.bozo)
        return entries, bozo

    entries, bozo = one_pass()  # warm-up, untimed
    reps = 0
    t0 = time.perf_counter()
    while True:
        one_pass()
        reps += 1
        if (reps >= fixed_reps) if fixed_reps else (time.perf_counter() - t0 >= min_seconds):
            break
    secs = time.perf_counter() - t0
    print(json.dumps({
        "parser": f"feedparser {feedparser.__version__}",
        "files": len(files), "bytes": size, "entries": entries, "bozo": bozo, "reps": reps,
        "seconds": secs, "seconds_per_pass": secs / reps,
        "mb_per_s": size * reps / secs / 1e6, "entries_per_s": entries * reps / secs,
        "files_per_s": len(files) * reps / secs,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


# --------------------------------------------------------------------------------------------


def table(rows: list[tuple[str, dict, dict]], markdown: bool) -> str:
    head = ["corpus", "files", "MB", "parser", "entries", "s/pass", "MB/s", "entries/s",
            "peak RSS MB", "speed-up"]
    lines = []
    for corpus, rust, py in rows:
        speedup = py["seconds_per_pass"] / rust["seconds_per_pass"]
        for r, su in ((rust, f"{speedup:.0f}×"), (py, "1×")):
            lines.append([corpus, f"{r['files']:,}", f"{r['bytes'] / 1e6:.2f}", r["parser"],
                          f"{r['entries']:,}", f"{r['seconds_per_pass']:.4f}",
                          f"{r['mb_per_s']:.2f}", f"{r['entries_per_s']:,.0f}",
                          f"{r.get('peak_rss_kb', 0) / 1024:.0f}", su])
    if markdown:
        out = ["| " + " | ".join(head) + " |",
               "| " + " | ".join("---" if i in (0, 3) else "---:" for i in range(len(head))) + " |"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(x) for x in col) for col in zip(head, *lines)]
    fmt = "  ".join(f"{{:{'<' if i in (0, 3) else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head)] + [fmt.format(*line) for line in lines])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES,
                    help="feedparser fixture folder (default: ../shared/datasets/feedparser-tests)")
    ap.add_argument("--large-dir", type=Path,
                    help="folder for the generated large feeds (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated large feeds")
    ap.add_argument("--min-seconds", type=float, default=2.0,
                    help="each timed run lasts at least this long (default 2)")
    ap.add_argument("--reps", type=int, help="exactly this many timed passes instead")
    ap.add_argument("--rounds", type=int, default=3,
                    help="alternate the two parsers this many times per corpus and keep each "
                         "one's best run (default 3; the machine may be shared)")
    ap.add_argument("--only", choices=["fixtures", "large"], help="run one corpus")
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    ap.add_argument("--json", type=Path, help="write all results to this file")
    ap.add_argument("--feedparser-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.feedparser_worker:
        feedparser_worker(args.paths, args.min_seconds, args.reps)
        return 0

    try:
        import feedparser
    except ImportError:
        print("feedparser is not installed: pip install 'feedparser>=6.0.11'", file=sys.stderr)
        return 2

    corpora: list[tuple[str, Path]] = []
    if args.only in (None, "fixtures"):
        if args.fixtures.is_dir():
            corpora.append(("fixtures", args.fixtures))
        else:
            print(f"notice: {args.fixtures} not found; skipping the fixture corpus",
                  file=sys.stderr)
    tmp = None
    if args.only in (None, "large"):
        large = args.large_dir
        if large is None:
            tmp = tempfile.mkdtemp(prefix="tidings-bench-feeds-")
            large = Path(tmp)
        generate(large)
        corpora.append(("large", large))

    exe = build_rust()
    print(f"python {sys.version.split()[0]}, feedparser {feedparser.__version__}",
          file=sys.stderr)
    load_before = os.getloadavg()
    rows = []
    results = {}
    try:
        for name, folder in corpora:
            rusts, pys = [], []
            for k in range(args.rounds):
                print(f"[{name}] round {k + 1}/{args.rounds}: tidings-feed …", file=sys.stderr,
                      flush=True)
                rusts.append(run_rust(exe, [folder], args.min_seconds, args.reps))
                print(f"[{name}] round {k + 1}/{args.rounds}: feedparser …", file=sys.stderr,
                      flush=True)
                pys.append(run_python([folder], args.min_seconds, args.reps))
            rust = min(rusts, key=lambda r: r["seconds_per_pass"])
            py = min(pys, key=lambda r: r["seconds_per_pass"])
            rust["rounds_seconds_per_pass"] = [r["seconds_per_pass"] for r in rusts]
            py["rounds_seconds_per_pass"] = [r["seconds_per_pass"] for r in pys]
            if (rust["files"], rust["bytes"]) != (py["files"], py["bytes"]):
                sys.exit(f"[{name}] the two sides read different files: {rust} vs {py}")
            rows.append((name, rust, py))
            results[name] = {"tidings": rust, "feedparser": py,
                             "speedup": py["seconds_per_pass"] / rust["seconds_per_pass"]}
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp:
            print(f"large feeds kept in {tmp}", file=sys.stderr)

    load_after = os.getloadavg()
    print(table(rows, markdown=False))
    print(f"best of {args.rounds} round(s) each; load average before "
          f"{load_before[0]:.2f}, after {load_after[0]:.2f} (1 min) on {os.cpu_count()} CPUs")
    for name, r in results.items():
        verdict = "meets" if r["speedup"] >= TARGET_SPEEDUP else "BELOW"
        print(f"{name}: {r['speedup']:.1f}× feedparser ({verdict} the {TARGET_SPEEDUP:.0f}× target)")
    if args.markdown:
        print()
        print(table(rows, markdown=True))
    if args.json:
        results["_run"] = {"rounds": args.rounds, "min_seconds": args.min_seconds,
                           "load_before": load_before, "load_after": load_after,
                           "python": sys.version.split()[0],
                           "feedparser": feedparser.__version__}
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
