#!/usr/bin/env python3
"""The Python baseline for story assignment speed: a single-pass TF-IDF centroid clusterer, as
the clustering data set's README describes its reference system (threshold 0.20 on ECB+ full
texts, 0.07 on UCI headlines), streamed over the same files in the same orders as
`tidings eval clustering`, timed per document and scored with the shared scorer.

    python3 bench/stories_baseline.py                      # from the repository root
    python3 bench/stories_baseline.py --orders 5 FILE...   # more shuffled orders

Each document is compared with every story so far (the loop the baseline is); document
frequencies grow as documents arrive. Reads ../shared in place; installs nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DEFAULT_FILES = sorted((SHARED / "datasets" / "clustering" / "dev").glob("*.jsonl"))
THRESHOLDS = {"ECB+": 0.20, "UCI-NewsAggregator": 0.07}
WORD = re.compile(r"\w+", re.UNICODE)
# The usual short English stop list (scikit-learn's "english" list is longer; the effect is the same).
STOP = set(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own said same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    new one two says say""".split()
)


def tokens(doc: dict) -> list[str]:
    text = " ".join(t for t in (doc.get("title"), doc.get("text")) if t)
    return [w for w in WORD.findall(text.lower()) if len(w) > 1 and w not in STOP]


def cluster(docs: list[dict], threshold: float) -> tuple[list[int], float]:
    """Single pass: each document joins the most similar story centroid above `threshold`,
    else starts a story. Returns story labels in input order and the seconds it took."""
    df: Counter[str] = Counter()
    n_docs = 0
    centroids: list[dict[str, float]] = []
    norms: list[float] = []
    labels: list[int] = []
    started = time.perf_counter()
    for doc in docs:
        tf = Counter(tokens(doc))
        n_docs += 1
        df.update(tf.keys())
        vec = {
            t: (1.0 + math.log(c)) * (math.log((n_docs + 1) / (df[t] + 1)) + 1.0)
            for t, c in tf.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        best, best_sim = -1, threshold
        for i, centroid in enumerate(centroids):
            dot = sum(v * centroid.get(t, 0.0) for t, v in vec.items())
            sim = dot / norms[i] if norms[i] else 0.0
            if sim >= best_sim:
                best, best_sim = i, sim
        if best < 0:
            centroids.append(dict(vec))
            norms.append(1.0)
            labels.append(len(centroids) - 1)
        else:
            centroid = centroids[best]
            for t, v in vec.items():
                centroid[t] = centroid.get(t, 0.0) + v
            norms[best] = math.sqrt(sum(v * v for v in centroid.values()))
            labels.append(best)
    return labels, time.perf_counter() - started


def pairwise_f1(gold: list[str], predicted: list[int]) -> float:
    sys.path.insert(0, str(SHARED / "tools"))
    import clustering_score  # type: ignore  # the shared scorer, read in place

    scores = clustering_score.score(
        {str(i): g for i, g in enumerate(gold)}, {str(i): str(p) for i, p in enumerate(predicted)}
    )
    return scores["pairwise"]["f1"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    ap.add_argument("--orders", type=int, default=3, help="shuffled orders per file (default 3)")
    args = ap.parse_args()
    if not args.files:
        print(f"no data: {SHARED / 'datasets/clustering/dev'} is absent", file=sys.stderr)
        return 0
    print(f"python {sys.version.split()[0]}")
    print(f"{'file':<24} {'docs':>6} {'threshold':>9} {'docs/s':>8} {'pairwise F1':>11}")
    for path in args.files:
        docs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        threshold = THRESHOLDS.get(docs[0].get("dataset", ""), 0.2)
        rates, f1s = [], []
        for seed in range(1, args.orders + 1):
            order = list(range(len(docs)))
            random.Random(seed).shuffle(order)
            streamed = [docs[i] for i in order]
            labels, seconds = cluster(streamed, threshold)
            rates.append(len(docs) / seconds)
            f1s.append(pairwise_f1([d["cluster"] for d in streamed], labels))
        print(
            f"{path.name:<24} {len(docs):>6} {threshold:>9.2f} {max(rates):>8.0f} "
            f"{sum(f1s) / len(f1s):>11.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
