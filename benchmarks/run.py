"""Speed and memory of `framing compare` against the bare dependency, in one run.

    python benchmarks/run.py [--articles 10000] [--rounds 1] [--scale 100000] [--skip-scale]

Corpus: ../shared/corpora/allsides-10k.jsonl.gz (never copied into the project). For the
scale runs the corpus is repeated with every copy made distinct (a marker sentence that
names the copy is prepended to each text), so no text repeats: textstat-style memo caches
and our result store cannot short-cut the repeats.

Prints:
- the floor: bare vaderSentiment polarity_scores on every sentence of the corpus, one
  process, nothing else (sentences split as framing splits them, split before timing);
- the full `framing compare` with --jobs 1 and --jobs 2, no cache: articles/s, µs/word,
  ratio to the floor, speed-up of 2 jobs over 1, and that both reports are byte-identical;
- peak resident memory (the run's process and its workers) at --articles and at --scale;
- with the result store at --scale: cold run, re-run with nothing changed, re-run after a
  one-line lexicon edit and after an edit of the outlet registry, each as a share of the
  cold run, and the reports byte-identical to a --no-cache run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
CORPUS = PROJECT.parent / "shared" / "corpora" / "allsides-10k.jsonl.gz"
EXTRA: list[str] = []  # options added to every framing compare (--no-keyness)


def corpus_records(n: int) -> Iterator[dict[str, str]]:
    """The first n articles, repeating the corpus with distinct copies."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        source = [json.loads(line) for line in f]
    for i in range(n):
        record = dict(source[i % len(source)])
        copy = i // len(source)
        if copy:
            record["id"] = f"{record['id']}-{copy}"
            record["text"] = f"Copy {copy} of this report.\n{record['text']}"
        yield record


def make_corpus(path: Path, n: int) -> int:
    """corpus_records(n) as gzipped JSON Lines; returns the word count."""
    words = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
        for record in corpus_records(n):
            words += len(record["text"].split())
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


def corpus_sentences(path: Path, limit: int | None = None) -> tuple[list[str], int, int]:
    """Every sentence of the first `limit` articles (all by default), split as framing
    splits them; the articles and the words (as framing counts them)."""
    from itertools import islice

    from framing.clean import clean
    from framing.corpus import read_jsonl
    from framing.document import prepare

    sentences: list[str] = []
    articles = words = 0
    for a in islice(read_jsonl(path), limit):
        doc = prepare(clean(a.text).text)
        sentences += doc.sentence_texts()
        articles += 1
        words += doc.words
    return sentences, articles, words


def floor(sentences: list[str]) -> float:
    """Seconds for bare VADER on every sentence, in this process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    for s in sentences:
        analyzer.polarity_scores(s)
    return time.perf_counter() - start


# The peak RSS of the process itself, in kB. Not getrusage(RUSAGE_SELF): on Linux a process
# started by exec keeps the peak of the process it replaced, which is this benchmark, holding
# the corpus's sentences for the floor; that peak was counted as framing's until 2026-11-24.
# Forked workers start their own count, so RUSAGE_CHILDREN is right for them.
_OWN_PEAK = (
    "def own_peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as f:\n"
    "            return next(int(line.split()[1]) for line in f if line.startswith('VmHWM:'))\n"
    "    except OSError:\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)


def compare(path: Path, out: Path, *options: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the largest single process) of one `framing compare`."""
    script = (
        "import resource, sys, time; from framing.cli import main; t = time.perf_counter()\n"
        f"{_OWN_PEAK}"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(time.perf_counter() - t, own_peak(),"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)"
    )
    args = [
        sys.executable,
        "-c",
        script,
        "compare",
        str(path),
        "--out",
        str(out),
        "--name",
        "bench",
        *options,
        *EXTRA,
    ]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"framing compare failed:\n{done.stderr[-2000:]}")
    seconds, own, children = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), max(int(own), int(children)) / 1024


def same(a: Path, b: Path) -> bool:
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in ("bench.md", "bench.json"))


def small_runs(work: Path, articles: int, keyness_overhead: bool, rounds: int) -> None:
    """Floor, --jobs 1 and --jobs 2 on the small corpus, `rounds` times in turn.

    On this shared machine one timing moves by 10-15% from run to run (the floor and
    --jobs 1 both), so the ratios are taken within each round, and with several rounds their
    median and range are printed too."""
    small = work / "small.jsonl.gz"
    make_corpus(small, articles)
    sentences, n, words = corpus_sentences(small)
    print(f"corpus: {n:,} articles, {words:,} words ({small.stat().st_size / 1e6:.0f} MB gz)")
    to_floor: dict[int, list[float]] = {1: [], 2: []}
    speed_ups: list[float] = []
    runs: dict[int, float] = {}
    for r in range(1, rounds + 1):
        label = f"round {r}: " if rounds > 1 else ""
        vader = floor(sentences)
        print(
            f"{label}floor (bare VADER per sentence): {vader:.1f} s, {n / vader:.1f} articles/s, "
            f"{1e6 * vader / words:.2f} µs/word"
        )
        for jobs in (1, 2):
            seconds, rss = compare(small, work / f"j{jobs}", "--jobs", str(jobs), "--no-cache")
            runs[jobs] = seconds
            to_floor[jobs].append(vader / seconds)
            print(
                f"{label}framing compare --jobs {jobs} --no-cache{_extra()}: {seconds:.1f} s, {n / seconds:.1f} articles/s, "
                f"{1e6 * seconds / words:.2f} µs/word, {vader / seconds:.2f} × the floor, peak RSS {rss:.0f} MB"
            )
        speed_ups.append(runs[1] / runs[2])
        print(
            f"{label}speed-up --jobs 2 over --jobs 1: {speed_ups[-1]:.2f}×; "
            f"reports identical: {same(work / 'j1', work / 'j2')}"
        )
    if rounds > 1:
        print(
            f"median of {rounds} rounds: --jobs 1 {_spread(to_floor[1])} × the floor, "
            f"--jobs 2 {_spread(to_floor[2])} × the floor, speed-up {_spread(speed_ups)}×"
        )
    if keyness_overhead:
        bare, rss_bare = compare(small, work / "nok", "--jobs", "2", "--no-cache", "--no-keyness")
        print(
            f"framing compare --jobs 2 --no-cache --no-keyness: {bare:.1f} s, peak RSS {rss_bare:.0f} MB; "
            f"the last --jobs 2 run took {runs[2] / bare:.2f}× as long as this one without keyness"
        )


def _extra() -> str:
    """The options every run was given, for the printed lines."""
    return "".join(f" {option}" for option in EXTRA)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} (range {min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=1, help="time the floor, --jobs 1 and --jobs 2 this many times in turn"
    )
    parser.add_argument(
        "--verify", action="store_true", help="also run --no-cache at scale and compare its report"
    )
    parser.add_argument("--skip-small", action="store_true", help="only the scale runs")
    parser.add_argument(
        "--no-keyness", action="store_true", help="pass --no-keyness to every framing compare"
    )
    parser.add_argument(
        "--keyness-overhead",
        action="store_true",
        help="also run --jobs 2 --no-keyness: the cost of the distinctive-vocabulary section",
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.no_keyness and args.keyness_overhead:
        parser.error("--keyness-overhead compares with keyness; it cannot go with --no-keyness")
    EXTRA[:] = ["--no-keyness"] if args.no_keyness else []
    if not CORPUS.exists():
        raise SystemExit(f"{CORPUS} not found: the benchmarks read shared/ beside the project")
    work = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    try:
        if not args.skip_small:
            small_runs(work, args.articles, args.keyness_overhead, args.rounds)
        if args.skip_scale:
            return
        big = work / "big.jsonl.gz"
        make_corpus(big, args.scale)
        store = work / "store.sqlite"
        cold, rss = compare(big, work / "cold", "--jobs", "2", "--cache", str(store))
        print(
            f"{args.scale:,} articles, --jobs 2{_extra()}, cold (empty store): {cold:.1f} s, {args.scale / cold:.1f} articles/s, peak RSS {rss:.0f} MB"
        )
        warm, rss_warm = compare(big, work / "warm", "--jobs", "2", "--cache", str(store))
        print(
            f"re-run, nothing changed: {warm:.1f} s = {100 * warm / cold:.1f}% of cold, peak RSS {rss_warm:.0f} MB; identical: {same(work / 'cold', work / 'warm')}"
        )
        lexicons = work / "lexicons"
        shutil.copytree(PROJECT / "lexicons", lexicons)
        labels = lexicons / "labels.csv"
        labels.write_text(labels.read_text(encoding="utf-8") + "loaded_label,hardliner,,\n", encoding="utf-8")
        edited, _ = compare(
            big, work / "edited", "--jobs", "2", "--cache", str(store), "--lexicons", str(lexicons)
        )
        print(f"result store: {sum(p.stat().st_size for p in work.glob('store.sqlite*')) / 1e6:.0f} MB")
        print(
            f"re-run after a one-line lexicon edit (labels.csv + 'hardliner'): {edited:.1f} s = {100 * edited / cold:.1f}% of cold"
        )
        if args.verify:
            fresh, _ = compare(big, work / "fresh", "--jobs", "2", "--no-cache", "--lexicons", str(lexicons))
            print(
                f"--no-cache with the edited lexicon: {fresh:.1f} s; identical to the cached re-run: {same(work / 'edited', work / 'fresh')}"
            )
        # The registry is edited by hand too: one outlet moved to another type.
        outlets = lexicons / "outlets.csv"
        registry = outlets.read_text(encoding="utf-8")
        vox = next(line for line in registry.splitlines() if line.startswith("Vox,"))
        outlets.write_text(
            registry.replace(vox, vox.replace(",national_media,", ",public_media,")), encoding="utf-8"
        )
        moved, _ = compare(
            big, work / "moved", "--jobs", "2", "--cache", str(store), "--lexicons", str(lexicons)
        )
        print(
            f"re-run after a registry edit (Vox, 4% of the articles, moved to public_media): {moved:.1f} s = {100 * moved / cold:.1f}% of cold"
        )
        if args.verify:
            fresh, _ = compare(big, work / "fresh", "--jobs", "2", "--no-cache", "--lexicons", str(lexicons))
            print(
                f"--no-cache with the edited registry: {fresh:.1f} s; identical to the cached re-run: {same(work / 'moved', work / 'fresh')}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
