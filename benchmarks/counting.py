"""Keyness counting alone: framing's TermCounts against scikit-learn's CountVectorizer.

    python benchmarks/counting.py [--articles 10000] [--scale 100000 | 0] [--group bias|outlet]

Both count the same words and two-word phrases of the first --articles AllSides articles
(cleaned and tokenised as `framing compare` does; the groups are AllSides' bias labels, or
the outlets with --group outlet),
then those articles again as distinct copies up to --scale:

- framing: `TermCounts.add` on each text's TextTerms (what the scoring workers send), then
  the vocabulary, each group's vector and the total, as the keyness section asks for them;
- scikit-learn: `CountVectorizer` whose analyzer yields each text's terms as strings, its
  document-term matrix summed by group with a group-indicator matrix.

Each runs in its own process. Prints its seconds, the memory it adds to its process (peak
RSS less the RSS before counting) and a digest of the (group, term, count) table: the two
digests must be equal. To compare framing before and after a change, run it with
PYTHONPATH pointing at the other tree's src/ (the TermCounts interface is the same).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpora" / "allsides-10k.jsonl.gz"


def prepare_terms(path: Path, articles: int, group: str) -> None:
    """Each article's group and TextTerms, pickled."""
    from framing.clean import clean
    from framing.document import prepare
    from framing.terms import compact_counts

    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in islice(f, articles):
            record = json.loads(line)
            label = record.get("allsides_bias" if group == "bias" else "outlet") or "none"
            out.append((label, compact_counts(prepare(clean(record["text"]).text))))
    path.write_bytes(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# Per group and n: the term strings (shared), and the positions and counts of the terms
# the group uses. Only those are kept: a dense vector per group would be the benchmark's
# own memory (hundreds of outlets × a million terms).
Table = dict[str, tuple[list[str], np.ndarray, np.ndarray]]


def _digest(table: Table) -> str:
    """Of every (group, term, count) with a count, in a fixed order."""
    h = hashlib.blake2b(digest_size=8)
    for group in sorted(table):
        names, used, counts = table[group]
        for term, count in sorted(zip([names[i] for i in used.tolist()], counts.tolist(), strict=True)):
            h.update(f"{group}\t{term}\t{int(count)}\n".encode())
    return h.hexdigest()


def count_framing(terms: list, copies: int) -> Table:
    from framing.keyness import TermCounts

    counts = TermCounts()
    for copy in range(copies):
        for i, (group, text) in enumerate(terms):
            counts.add(group, text, copy * len(terms) + i)
    table: Table = {}
    for n in (1, 2):
        names = counts.terms(n, counts.keys(n))
        counts.total(n)
        for group in counts.group_names:
            vector = counts.vector(n, group)
            used = np.flatnonzero(vector)
            table[f"{group}/{n}"] = (names, used, vector[used])
    return table


def count_sklearn(terms: list, copies: int) -> Table:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    groups = sorted({g for g, _ in terms})
    table: Table = {}
    for n in (1, 2):

        def analyzer(i: int, n: int = n) -> list[str]:
            t = terms[i % len(terms)][1]
            if n == 1:
                return [w for w, c in zip(t.words, t.counts.tolist(), strict=True) for _ in range(c)]
            return [f"{t.words[a]} {t.words[b]}" for a, b, c in t.pairs for _ in range(c)]

        vectorizer = CountVectorizer(analyzer=analyzer, lowercase=False)
        matrix = vectorizer.fit_transform(range(copies * len(terms)))
        rows = np.array([groups.index(g) for g, _ in terms] * copies)
        indicator = sp.csr_array(
            (np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(groups), len(rows))
        )
        summed = sp.csr_array(indicator @ matrix)
        summed.sum_duplicates()
        names = vectorizer.get_feature_names_out().tolist()
        for k, group in enumerate(groups):
            start, end = summed.indptr[k], summed.indptr[k + 1]
            table[f"{group}/{n}"] = (names, summed.indices[start:end], summed.data[start:end])
    return table


def inner(how: str, path: Path, copies: int) -> None:
    terms = pickle.loads(path.read_bytes())
    # The libraries are loaded before the baseline: their import is not counting.
    import scipy.sparse  # noqa: F401
    from sklearn.feature_extraction.text import CountVectorizer  # noqa: F401

    from framing.keyness import TermCounts  # noqa: F401

    before = _rss_mb()
    start = time.perf_counter()
    table = (count_framing if how == "framing" else count_sklearn)(terms, copies)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak - before:.0f} {_digest(table)}")


def run(how: str, path: Path, copies: int) -> tuple[float, float, str]:
    done = subprocess.run(
        [sys.executable, __file__, "--inner", how, str(path), str(copies)], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    seconds, mb, digest = done.stdout.split()
    return float(seconds), float(mb), digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--group", choices=["bias", "outlet"], default="bias")
    parser.add_argument("--skip-sklearn-at-scale", action="store_true")
    parser.add_argument("--inner", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.inner[0], Path(args.inner[1]), int(args.inner[2]))
        return
    with tempfile.TemporaryDirectory(prefix="framing-counting-") as work:
        path = Path(work) / "terms.pickle"
        prepare_terms(path, args.articles, args.group)
        for articles in (args.articles, args.scale) if args.scale else (args.articles,):
            copies = max(1, articles // args.articles)
            ours = run("framing", path, copies)
            print(
                f"{copies * args.articles:,} articles: TermCounts {ours[0]:.1f} s, +{ours[1]:.0f} MB, digest {ours[2]}"
            )
            if articles == args.scale and args.skip_sklearn_at_scale:
                continue
            ref = run("sklearn", path, copies)
            print(
                f"{copies * args.articles:,} articles: CountVectorizer {ref[0]:.1f} s, +{ref[1]:.0f} MB; "
                f"TermCounts {ref[0] / ours[0]:.2f}× as fast, {ref[1] / max(ours[1], 1):.2f}× less memory; "
                f"same counts: {ours[2] == ref[2]}"
            )


if __name__ == "__main__":
    main()
