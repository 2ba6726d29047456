"""Lexicon matching alone: framing's Matcher, before against after a change, and against one
alternation regex per lexicon (the baseline issue 3 names: about 18 µs per word).

    python benchmarks/matching.py [--articles 10000] [--rounds 5] [--before OTHER_TREE/src]

Each side runs in its own process over the first --articles AllSides articles, cleaned and
tokenised as `framing compare` does (not timed), with the bundled lexicons: the best of
--rounds passes of `Matcher.find` over every text and lexicon, as the scoring workers call
it (with the text's token ids). It prints the seconds, µs per word and a digest of every
match (lexicon, entry line, first and last token): with --before, the two digests must be
equal. The regex finds roughly what the matcher does (case-blind, whole words, globs as a
prefix and word characters, hyphens or spaces between a term's words), not the same
matches: it is a measure of cost only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpora" / "allsides-10k.jsonl.gz"
SRC = HERE.parent / "src"


def _alternation(entries: list) -> re.Pattern[str]:
    def token(t: str) -> str:
        return re.escape(t[:-1]) + r"\w*" if t.endswith("*") else re.escape(t)

    terms = sorted((r"[\s-]+".join(map(token, e.tokens)) for e in entries), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(terms) + r")(?!\w)", re.I)


def inner(articles: int, rounds: int, regex: bool) -> None:
    from framing.clean import clean
    from framing.document import prepare
    from framing.lexicon.load import load_lexicons
    from framing.lexicon.match import Matcher
    from framing.resources import bundled

    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        docs = [prepare(clean(json.loads(line)["text"]).text) for line in islice(f, articles)]
    for d in docs:
        _ = d.token_ids  # made before timing: the document makes them once, for every scorer
    lexicons = load_lexicons(bundled("lexicons"))
    matchers = [Matcher(lex.entries) for lex in lexicons]
    words = sum(d.words for d in docs)

    def framing_pass() -> list:
        return [
            [
                (m.entry.lexicon, m.entry.line, m.first, m.last)
                for m in matcher.find(d.text, d.tokens, ids=d.token_ids)
            ]
            for d in docs
            for matcher in matchers
        ]

    best, found = _best(framing_pass, rounds)
    out = {"seconds": best, "words": words, "digest": hashlib.sha256(repr(found).encode()).hexdigest()}
    if regex:
        patterns = [_alternation(list(lex.entries)) for lex in lexicons]
        out["regex_seconds"] = _best(
            lambda: [len(p.findall(d.text)) for d in docs for p in patterns], rounds
        )[0]
    print(json.dumps(out))


def _best(work, rounds: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(src: Path, articles: int, rounds: int, regex: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    argv = [sys.executable, __file__, "--inner", "--articles", str(articles), "--rounds", str(rounds)]
    done = subprocess.run(
        argv + (["--regex"] if regex else []), env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another tree's src/, to time before a change")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--regex", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.articles, args.rounds, args.regex)
        return
    after = run(SRC, args.articles, args.rounds, regex=True)
    per_word = 1e6 / after["words"]
    print(f"{args.articles} articles, {after['words']:,} words; best of {args.rounds} passes")
    print(f"framing, this tree: {after['seconds']:.2f} s, {after['seconds'] * per_word:.3f} µs per word")
    if args.before:
        before = run(args.before.resolve(), args.articles, args.rounds, regex=False)
        same = before["digest"] == after["digest"]
        print(
            f"framing, {args.before}: {before['seconds']:.2f} s, {before['seconds'] * per_word:.3f} µs per word; "
            f"this tree {before['seconds'] / after['seconds']:.2f}× as fast; same matches: {same}"
        )
    regex = after["regex_seconds"]
    print(
        f"one alternation regex per lexicon: {regex:.2f} s, {regex * per_word:.3f} µs per word; "
        f"framing {regex / after['seconds']:.1f}× as fast"
    )


if __name__ == "__main__":
    main()
