#!/usr/bin/env python3
"""Build crates/enrich/data/common-words.txt: ordinary English words, from GUM training text.

A word is "common" when it occurs in lower case in the training file at least four times as
often as it is capitalised in the middle of a sentence. The NER uses the list to true-case
all-capitals headlines and to reject "person names" made only of ordinary words
("the Golden Age"). Derived from GUM (CC BY; see crates/enrich/data/README.md).

Usage: python3 tools/build_common_words.py /work/shared/datasets/gum/gum-train-by-only.txt \
           crates/enrich/data/common-words.txt
"""

import sys
from collections import Counter


def main():
    src, out = sys.argv[1], sys.argv[2]
    lower, capmid = Counter(), Counter()
    pos = 0
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            cols = line.split()
            if not cols or cols[0] == "-DOCSTART-":
                pos = 0
                continue
            w = cols[0]
            if w.isalpha():
                if w[0].islower():
                    lower[w] += 1
                elif pos > 0:
                    capmid[w.lower()] += 1
            pos += 1
    words = sorted(w for w, n in lower.items() if capmid[w] * 4 <= n)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("".join(w + "\n" for w in words))
    print("wrote %s: %d words" % (out, len(words)))


if __name__ == "__main__":
    main()
