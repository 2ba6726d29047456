"""framing's VADER compound against bare VADER on every sentence of the AllSides corpus.

    python benchmarks/vader.py [--articles 10000]

Prints how many sentences differ (must be 0) and the time of each, in one run:
bare `SentimentIntensityAnalyzer().polarity_scores(s)["compound"]`, framing's
`vader_compound` (the same rules with the lower-casing done once), and framing's
`sentiment()` (vader_compound plus the memo of repeated sentences).
"""

from __future__ import annotations

import argparse
import time

from run import CORPUS, corpus_sentences  # benchmarks/run.py, beside this script
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from framing.score.sentiment import _tone, sentiment, vader_compound


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    sentences, _, _ = corpus_sentences(CORPUS, args.articles)

    def timed(score):
        start = time.perf_counter()
        values = score()
        return time.perf_counter() - start, values

    bare = SentimentIntensityAnalyzer()
    tone = _tone()
    t_bare, expected = timed(lambda: [bare.polarity_scores(s)["compound"] for s in sentences])
    t_ours, ours = timed(lambda: [vader_compound(tone, s) for s in sentences])
    t_full, full = timed(lambda: list(sentiment(sentences).sentence_compounds))
    differ = sum(a != b for a, b in zip(expected, ours, strict=True))
    differ_full = sum(a != b for a, b in zip(expected, full, strict=True))
    print(
        f"{len(sentences):,} sentences; differ from bare VADER: vader_compound {differ}, sentiment() {differ_full}"
    )
    print(f"bare VADER      {t_bare:7.2f} s")
    print(f"vader_compound  {t_ours:7.2f} s  {t_bare / t_ours:.2f}x faster")
    print(f"sentiment()     {t_full:7.2f} s  {t_bare / t_full:.2f}x faster")


if __name__ == "__main__":
    main()
