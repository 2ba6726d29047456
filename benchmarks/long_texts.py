"""How cleaning's time grows with one text's length, on texts shaped to find work that
grows with the square of the number of lines.

    python benchmarks/long_texts.py [--lines 2000] [--growth 4]

For each shape, cleans a text of --lines lines and one of --growth times as many, and
prints both times and their ratio: about --growth when the work grows with the text,
about --growth squared when it grows with its square. Run it with PYTHONPATH pointing
at another tree's src/ to compare before and after.

The shapes (made-up words, so that nothing but the shape repeats):
- distinct lines: no two lines alike; each is still looked for in the others;
- shared phrase: every line holds one 5-word phrase, otherwise unalike;
- shared phrase, one repeat: the same with one line twice, which sends the text down the
  paragraph-by-paragraph path;
- ledes: each line followed by a paragraph that repeats it as its second sentence;
- one line: the same words with no line break.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from framing.clean import clean


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


SHAPES: dict[str, Callable[[random.Random, int], str]] = {
    "distinct lines": distinct_lines,
    "shared phrase": shared_phrase,
    "shared phrase, one repeat": shared_phrase_one_repeat,
    "ledes": ledes,
    "one line": one_line,
}


def seconds_to_clean(text: str) -> float:
    start = time.perf_counter()
    clean(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--growth", type=int, default=4)
    args = parser.parse_args()
    if args.lines < 2 or args.growth < 2:
        parser.error("--lines and --growth must be at least 2")
    longer = args.lines * args.growth
    print(f"{'shape':27} {args.lines:>7,} lines {longer:>7,} lines   ratio")
    for name, make in SHAPES.items():
        short, long = make(random.Random(1), args.lines), make(random.Random(1), longer)
        a, b = seconds_to_clean(short), seconds_to_clean(long)
        print(
            f"{name:27} {a:11.2f} s {b:11.2f} s {b / a:7.1f}   ({len(short) / 1e6:.2f} and {len(long) / 1e6:.2f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
