#!/usr/bin/env python3
"""Article extraction, tidings beside trafilatura, in one run on the same pages.

    pip install trafilatura==2.3.1 lxml_html_clean      # the reference (the script installs nothing)
    python3 bench/extraction.py [DIR]                    # default ../shared/datasets/extraction/dev

Builds tidings in release, runs `tidings eval extraction DIR --predictions` (one core), runs
trafilatura.extract() on the same files (one process, bytes preloaded, default settings, plain
text), scores both with shared/tools/extraction_score.py and prints a Markdown table with
F1, precision, recall, accuracy, pages/s and MB/s.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")


def score(gt, preds):
    out = subprocess.run([sys.executable, os.path.join(SHARED, "tools", "extraction_score.py"), "--gt", gt, preds],
                         capture_output=True, text=True, check=True).stdout
    row = [l for l in out.splitlines() if l and not l.startswith(("system", "("))][0].split()
    return dict(f1=float(row[1]), precision=float(row[2]), recall=float(row[3]), accuracy=float(row[4]))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SHARED, "datasets", "extraction", "dev")
    gt_path = os.path.join(data, "ground-truth.json")
    truth = json.load(open(gt_path, encoding="utf-8"))
    pages = {i: open(os.path.join(data, "html", f"{i}.html"), "rb").read() for i in sorted(truth)}
    megabytes = sum(len(b) for b in pages.values()) / 1e6
    tmp = tempfile.mkdtemp()

    subprocess.run(["cargo", "build", "--release", "-q", "-p", "tidings"], cwd=ROOT, check=True)
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "tidings")
    ours = os.path.join(tmp, "tidings.json")
    line = subprocess.run([binary, "eval", "extraction", data, "--predictions", ours],
                          capture_output=True, text=True, check=True).stdout
    pages_per_s = float(line.split(" pages/s")[0].rsplit(" ", 1)[1])

    import trafilatura
    theirs = os.path.join(tmp, "trafilatura.json")
    started = time.perf_counter()
    preds = {i: {"articleBody": trafilatura.extract(b.decode("utf-8", "replace"), url=truth[i].get("url")) or ""}
             for i, b in pages.items()}
    seconds = time.perf_counter() - started
    json.dump(preds, open(theirs, "w", encoding="utf-8"))

    rows = [("tidings", score(gt_path, ours), pages_per_s),
            (f"trafilatura {trafilatura.__version__}", score(gt_path, theirs), len(pages) / seconds)]
    print(f"{len(pages)} pages, {megabytes:.1f} MB\n")
    print("| extractor | F1 | precision | recall | accuracy | pages/s | MB/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, s, pps in rows:
        print(f"| {name} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['accuracy']:.3f} | "
              f"{pps:.1f} | {pps * megabytes / len(pages):.1f} |")
    print(f"\nspeed-up: {rows[0][2] / rows[1][2]:.1f}x")


if __name__ == "__main__":
    main()
