"""How much of the loaded wording that BASIL's annotators marked do the lexicons catch?

    python benchmarks/basil_coverage.py [LEXICON_DIR]

Reads ../shared/corpora/basil.jsonl (Fan et al., EMNLP 2019: 300 articles, spans marked
`bias == "lexical"`). Prints recall (annotated spans that overlap a lexicon hit) and a
precision proxy (contrast and label hits that fall inside an annotated span; attribution
verbs are left out, since BASIL does not mark them). A measurement, not a test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from framing.config import CompareConfig
from framing.pipeline import run
from framing.resources import bundled

BASIL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "basil.jsonl"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    lexicons = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled("lexicons")
    rows = [json.loads(line) for line in BASIL.open(encoding="utf-8")]
    result = run(CompareConfig((BASIL,), lexicons, Path("unused"), "basil", "outlet"))
    spans = caught = hits = inside = 0
    for row, article in zip(rows, result.articles, strict=True):
        marked = [(s["start"], s["end"]) for s in row["spans"] if s.get("bias") == "lexical"]
        found = [(article.clean.span_to_original(h.start, h.end), h.entry.lexicon) for h in article.hits]
        spans += len(marked)
        caught += sum(1 for m in marked if any(overlaps(m, f) for f, _ in found))
        for f, lexicon in found:
            if lexicon != "attribution_verbs.csv":
                hits += 1
                inside += any(overlaps(m, f) for m in marked)
    print(f"lexicons: {lexicons}")
    print(f"recall: {caught} of {spans} lexical-bias spans overlap a hit ({100 * caught / spans:.1f}%)")
    share = 100 * inside / max(hits, 1)
    print(f"precision proxy: {inside} of {hits} contrast/label hits lie in a span ({share:.1f}%)")


if __name__ == "__main__":
    main()
