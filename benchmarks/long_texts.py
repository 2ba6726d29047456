"""How the time for one text grows with its length, on texts shaped to find work that
grows with the square of the number of lines or sentences.

    python benchmarks/long_texts.py [--lines 2000] [--growth 4]

For each shape, makes a text of --lines lines (or sentences) and one of --growth times
as many, and prints the seconds to clean each and to compare each (`framing compare` of
a folder holding that one text, in this process, --jobs 1, no store, after a warm-up),
with the ratios: about --growth when the work grows with the text, about --growth
squared when it grows with its square. Run it with PYTHONPATH pointing at another tree's
src/ to compare before and after.

The shapes (made-up words, so that nothing but the shape repeats):
- distinct lines: no two lines alike; each is still looked for in the others;
- shared phrase: every line holds one 5-word phrase, otherwise unalike;
- shared phrase, one repeat: the same with one line twice, which sends the text down the
  paragraph-by-paragraph path;
- ledes: each line followed by a paragraph that repeats it as its second sentence;
- one line: the same words with no line break;
- quotations, one line: a quotation holding a lexicon term in every sentence;
- open quotations, one line: an opening mark in every sentence and no closing one, so
  every quotation runs to the end of the paragraph;
- marks and dashes, one line: marked and dash-led quotations in turn;
- one sentence: ten words a sentence's worth, with valence words and "but", no full stop;
- context hits, one sentence: "accession" (a term that needs Crimea in its sentence)
  every fifth word, and no Crimea;
- unclosed scripts, unclosed comments: "<script" or "<!--" with no closing mark;
- promotions, one line: "Read more:" again and again with no glue point;
- a run of marks: one word, then "!" repeated, then a lower-case word.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from framing.clean import clean
from framing.config import CompareConfig
from framing.resources import bundled
from framing.writers import compare


def _words(rng: random.Random, k: int) -> str:
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(k))


def distinct_lines(rng: random.Random, n: int) -> str:
    return "\n".join(_words(rng, 8).capitalize() + "." for _ in range(n))


def shared_phrase(rng: random.Random, n: int) -> str:
    return "\n".join(
        f"{_words(rng, 6)} the president of the united states {_words(rng, 6)}." for _ in range(n)
    )


def shared_phrase_one_repeat(rng: random.Random, n: int) -> str:
    return f"A line said twice.\n{shared_phrase(rng, n - 2)}\nA line said twice."


def ledes(rng: random.Random, n: int) -> str:
    pairs = []
    for _ in range(n // 2):
        sentence = _words(rng, 8).capitalize() + "."
        pairs.append(f"{sentence}\nA first sentence here. {sentence}")
    return "\n".join(pairs)


def one_line(rng: random.Random, n: int) -> str:
    return " ".join(_words(rng, 8).capitalize() + "." for _ in range(n))


def quotations_one_line(rng: random.Random, n: int) -> str:
    return " ".join(f"Officials claimed “{_words(rng, 5)} annexation” and left." for _ in range(n))


def open_quotations_one_line(rng: random.Random, n: int) -> str:
    return " ".join(f"“{_words(rng, 8)} annexation {_words(rng, 3)}." for _ in range(n))


def marks_and_dashes_one_line(rng: random.Random, n: int) -> str:
    return " ".join(
        f"He said “{_words(rng, 4)} annexation” today. – We {_words(rng, 5)} claimed." for _ in range(n)
    )


def one_sentence(rng: random.Random, n: int) -> str:
    vocabulary = [f"w{i}" for i in range(3000)] + ["good", "bad", "not", "very", "but", "never", "regime"]
    return " ".join(rng.choice(vocabulary) for _ in range(10 * n))


def context_hits_one_sentence(rng: random.Random, n: int) -> str:
    return " ".join(f"{_words(rng, 4)} accession" for _ in range(n))


def unclosed_scripts(rng: random.Random, n: int) -> str:
    return " ".join(f"<script {_words(rng, 2)}" for _ in range(n))


def unclosed_comments(rng: random.Random, n: int) -> str:
    return " ".join(f"<!-- {_words(rng, 2)}" for _ in range(n))


def promotions_one_line(rng: random.Random, n: int) -> str:
    # Not at the line's start, where a promotion with no glue takes the whole line.
    return "A first sentence. " + " ".join(f"Read more: {_words(rng, 2)}" for _ in range(n))


def run_of_marks(rng: random.Random, n: int) -> str:
    return "Start here" + "!" * (10 * n) + " then more text."


SHAPES: dict[str, Callable[[random.Random, int], str]] = {
    "distinct lines": distinct_lines,
    "shared phrase": shared_phrase,
    "shared phrase, one repeat": shared_phrase_one_repeat,
    "ledes": ledes,
    "one line": one_line,
    "quotations, one line": quotations_one_line,
    "open quotations, one line": open_quotations_one_line,
    "marks and dashes, one line": marks_and_dashes_one_line,
    "one sentence": one_sentence,
    "context hits, one sentence": context_hits_one_sentence,
    "unclosed scripts": unclosed_scripts,
    "unclosed comments": unclosed_comments,
    "promotions, one line": promotions_one_line,
    "a run of marks": run_of_marks,
}


def seconds_to_clean(text: str) -> float:
    start = time.perf_counter()
    clean(text)
    return time.perf_counter() - start


def seconds_to_compare(text: str) -> float:
    """`framing compare` of a folder holding only `text`, one process, no store."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        (folder / "a.txt").write_text(text, encoding="utf-8")
        config = CompareConfig((folder,), bundled("lexicons"), Path(tmp) / "out", "long", "article")
        start = time.perf_counter()
        compare(config)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--growth", type=int, default=4)
    args = parser.parse_args()
    if args.lines < 2 or args.growth < 2:
        parser.error("--lines and --growth must be at least 2")
    longer = args.lines * args.growth
    seconds_to_compare(distinct_lines(random.Random(0), 50))  # loads the dictionaries
    print(f"{'':28}{'clean':>28}{'compare':>28}")
    print(f"{'shape':28}{args.lines:>10,}{longer:>10,}{'ratio':>8}{args.lines:>10,}{longer:>10,}{'ratio':>8}")
    for name, make in SHAPES.items():
        short, long = make(random.Random(1), args.lines), make(random.Random(1), longer)
        a, b = seconds_to_clean(short), seconds_to_clean(long)
        c, d = seconds_to_compare(short), seconds_to_compare(long)
        print(
            f"{name:28}{a:9.2f}s{b:9.2f}s{b / a:8.1f}{c:9.2f}s{d:9.2f}s{d / c:8.1f}"
            f"   ({len(short) / 1e6:.2f} and {len(long) / 1e6:.2f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
