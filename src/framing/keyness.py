"""Keyness: which words one group of outlets uses and another avoids, with the statistics
researchers reproduce in their own tools. Pure: count vectors in, scores out.

- Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
  "Fightin' Words", eqs. 16, 20, 22), as ConvoKit's FightingWords and
  jmhessel/FightingWords compute it:
      δ_w = log((y_iw + α_w) / (n_i + α_0 − y_iw − α_w)) − log((y_jw + α_w) / (n_j + α_0 − y_jw − α_w))
      σ²_w ≈ 1/(y_iw + α_w) + 1/(y_jw + α_w)        z_w = δ_w / σ_w
  scattertext's variance adds the two complementary terms:
      σ²_w = 1/(y_iw + α_w) + 1/(n_i + α_0 − y_iw − α_w) + 1/(y_jw + α_w) + 1/(n_j + α_0 − y_jw − α_w)
- G² (log-likelihood) and Pearson's χ² on each word's 2×2 table (word / other words ×
  group i / group j), without continuity correction, signed + where group i uses the word
  more than expected: quanteda's textstat_keyness(measure = "lr" / "chi2", correction = "none").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from framing.terms import TextTerms

Variance = Literal["monroe", "scattertext"]
VARIANCES: tuple[Variance, ...] = ("monroe", "scattertext")
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class LogOdds:
    delta: Vector
    variance: Vector
    z: Vector


def log_odds(
    yi: Vector,
    yj: Vector,
    alpha: Vector,
    variance: Variance = "monroe",
    totals: tuple[float, float, float] | None = None,
) -> LogOdds:
    """Monroe et al.'s δ, σ² and z for every word; yi, yj and alpha are aligned count vectors.
    `totals` (n_i, n_j, α_0) when the vectors hold only some of the vocabulary."""
    yi, yj, alpha = (np.asarray(v, dtype=np.float64) for v in (yi, yj, alpha))
    ni, nj, a0 = totals if totals else (yi.sum(), yj.sum(), alpha.sum())
    rest_i = ni + a0 - yi - alpha
    rest_j = nj + a0 - yj - alpha
    delta = np.log((yi + alpha) / rest_i) - np.log((yj + alpha) / rest_j)
    var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha)
    if variance == "scattertext":
        var = var + 1.0 / rest_i + 1.0 / rest_j
    return LogOdds(delta, var, delta / np.sqrt(var))


def _table(yi: Vector, yj: Vector, totals: tuple[float, float] | None = None) -> tuple[Vector, ...]:
    """Observed and expected cells of each word's 2×2 table."""
    a = np.asarray(yi, dtype=np.float64)
    b = np.asarray(yj, dtype=np.float64)
    ni, nj = totals if totals else (a.sum(), b.sum())
    c = ni - a
    d = nj - b
    n = a + b + c + d
    ea = (a + b) * (a + c) / n
    eb = (a + b) * (b + d) / n
    ec = (c + d) * (a + c) / n
    ed = (c + d) * (b + d) / n
    return a, b, c, d, ea, eb, ec, ed


def _o_log_o_over_e(o: Vector, e: Vector) -> Vector:
    out = np.zeros_like(o)
    seen = o > 0  # 0 · log 0 is 0
    out[seen] = o[seen] * np.log(o[seen] / e[seen])
    return out


def g2(yi: Vector, yj: Vector, totals: tuple[float, float] | None = None) -> Vector:
    """Signed log-likelihood G² of group i against group j, word by word."""
    a, b, c, d, ea, eb, ec, ed = _table(yi, yj, totals)
    value = 2 * (
        _o_log_o_over_e(a, ea) + _o_log_o_over_e(b, eb) + _o_log_o_over_e(c, ec) + _o_log_o_over_e(d, ed)
    )
    return np.where(a >= ea, value, -value)


def chi2(yi: Vector, yj: Vector, totals: tuple[float, float] | None = None) -> Vector:
    """Signed Pearson χ² (no continuity correction) of group i against group j."""
    a, b, c, d, _ea, _eb, _ec, _ed = _table(yi, yj, totals)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    value = np.nan_to_num(value)
    return np.where(a * d >= b * c, value, -value)


def in_sorted(values: NDArray[np.int64], sorted_set: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which of `values` are in `sorted_set` (sorted, no repeats). np.isin hashes or sorts
    the larger array on every call; with millions of terms against a few hundred lexicon
    keys that cost half a second a call, and a binary search costs milliseconds."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    found: NDArray[np.bool_] = sorted_set[at] == values
    return found


def _union(parts: list[NDArray[np.int64]]) -> NDArray[np.int64]:
    """The distinct values of sorted arrays, sorted. A stable sort (timsort) merges the
    sorted runs in about linear time; np.unique hashes every value first, which on millions
    of phrases was a hundred times slower."""
    if not parts:
        return np.zeros(0, dtype=np.int64)
    merged = np.sort(np.concatenate(parts), kind="stable")
    first = np.ones(len(merged), dtype=bool)
    np.not_equal(merged[1:], merged[:-1], out=first[1:])
    out: NDArray[np.int64] = merged[first]
    return out


# ---- counts by group, as articles arrive -------------------------------------------------


_LOW = (1 << 32) - 1
_CONSOLIDATE_AT = 2_000_000  # pending (group, term) entries before they are summed
_STATE_VERSION = 2  # of TermCounts.state()


class TermCounts:
    """Word and two-word-phrase counts per group, kept sparse: for each group, the terms it
    uses (sorted), their counts, and the first article of the group to use each (so an
    example can be fetched later without a search).

    Words get integer ids; a phrase is the pair of its words' ids in one 64-bit key, so the
    millions of distinct phrases of a large corpus cost 16 bytes an entry, not a string.
    New entries wait in a pending list and are summed into their group's table in batches;
    each group is summed on its own, so the temporary arrays stay the size of one group."""

    def __init__(self) -> None:
        self.word_ids: dict[str, int] = {}
        self.words: list[str] = []
        self.group_names: list[str] = []
        self._seen: set[str] = set()
        Part = tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int32]]
        self._pending: dict[tuple[int, str], list[Part]] = {}
        self._pending_size = 0
        self._table: dict[tuple[int, str], Part] = {}  # (n, group) -> keys, counts, first article
        self._table_size = 0
        self._keys: dict[int, NDArray[np.int64]] = {}
        self._totals: dict[int, Vector] = {}
        self._rank: NDArray[np.int64] | None = None  # word id -> alphabetical position

    def add(self, group: str, terms: TextTerms, article: int) -> None:
        if not terms.words:
            return
        if group not in self._seen:
            self._seen.add(group)
            self.group_names.append(group)
        # Known words are looked up in C; only new ones take the Python path.
        found = list(map(self.word_ids.get, terms.words))
        if None in found:
            found = [self._word_id(w) if i is None else i for w, i in zip(terms.words, found, strict=True)]
        ids = np.array(found, dtype=np.int64)
        self._append(1, group, ids, terms.counts, article)
        if len(terms.first):
            self._append(2, group, (ids[terms.first] << 32) | ids[terms.second], terms.pair_counts, article)
        # Summed when the pending entries reach the size of the tables so far (at least
        # _CONSOLIDATE_AT): each entry is re-sorted a logarithmic number of times.
        if self._pending_size >= max(_CONSOLIDATE_AT, self._table_size):
            self._consolidate()

    def _word_id(self, word: str) -> int:
        i = self.word_ids.get(word)
        if i is None:
            i = self.word_ids[word] = len(self.words)
            self.words.append(word)
        return i

    def _append(
        self, n: int, group: str, keys: NDArray[np.int64], counts: NDArray[np.int32], article: int
    ) -> None:
        part = (keys, counts.astype(np.int32), np.full(len(keys), article, dtype=np.int32))
        self._pending.setdefault((n, group), []).append(part)
        self._pending_size += len(keys)
        self._keys.pop(n, None)
        self._totals.pop(n, None)

    def _consolidate(self) -> None:
        for where, parts in self._pending.items():
            if where in self._table:
                parts = [self._table[where], *parts]
            k = np.concatenate([p[0] for p in parts])
            c = np.concatenate([p[1] for p in parts])
            f = np.concatenate([p[2] for p in parts])
            order = np.argsort(k)
            k, c, f = k[order], c[order], f[order]
            starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
            old = len(self._table[where][0]) if where in self._table else 0
            # The first use is the smallest article index, whatever order the texts were
            # added in: a re-run adds the texts it scores at once and those whose counts
            # are in the store at the end.
            self._table[where] = (
                k[starts],
                np.add.reduceat(c, starts).astype(np.int32),
                np.minimum.reduceat(f, starts),
            )
            self._table_size += len(starts) - old
        self._pending = {}
        self._pending_size = 0

    def state(self) -> dict[str, object]:
        """Everything counted, as plain values (for the result store)."""
        self._consolidate()
        return {
            "version": _STATE_VERSION,
            "words": self.words,
            "groups": self.group_names,
            "table": self._table,
            "keys": {n: self.keys(n) for n in (1, 2)},  # sorting them again costs seconds
        }

    @classmethod
    def from_state(cls, state: dict[str, object]) -> TermCounts | None:
        """The counts `state()` gave, or None if they were stored by another version."""
        if state.get("version") != _STATE_VERSION:
            return None
        counts = cls()
        counts.words = list(state["words"])  # type: ignore[call-overload]
        counts.word_ids = {w: i for i, w in enumerate(counts.words)}
        counts.group_names = list(state["groups"])  # type: ignore[call-overload]
        counts._seen = set(counts.group_names)
        counts._table = dict(state["table"])  # type: ignore[call-overload]
        counts._table_size = sum(len(t[0]) for t in counts._table.values())
        counts._keys = dict(state["keys"])  # type: ignore[call-overload]
        return counts

    def keys(self, n: int) -> NDArray[np.int64]:
        """Every term of the vocabulary (n = 1 words, n = 2 phrases), sorted."""
        if n not in self._keys:
            self._consolidate()
            parts = [t[0] for (m, _), t in self._table.items() if m == n]
            self._keys[n] = _union(parts)
        return self._keys[n]

    def alphabetical(self, n: int, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Numbers that sort as the terms' strings do. A phrase "w1 w2" sorts as the pair
        (w1, w2): a space sorts before every character a word can hold."""
        rank = self._rank
        if rank is None or len(rank) != len(self.words):
            order = sorted(range(len(self.words)), key=self.words.__getitem__)
            rank = self._rank = np.empty(len(order), dtype=np.int64)
            rank[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
        if n == 1:
            out: NDArray[np.int64] = rank[keys]
        else:
            out = (rank[keys >> 32] << 32) | rank[keys & _LOW]
        return out

    def terms(self, n: int, keys: NDArray[np.int64]) -> list[str]:
        """The term strings of keys(n) entries, with the per-term work in C (there can be
        millions)."""
        word = self.words.__getitem__
        if n == 1:
            return list(map(word, keys.tolist()))
        left = map(word, (keys >> 32).tolist())
        right = map(word, (keys & _LOW).tolist())
        return list(map(" ".join, zip(left, right, strict=True)))

    def key(self, term: str) -> tuple[int, int] | None:
        """(n, key) of a term, if every word of it has been seen."""
        ids = []
        for w in term.split(" "):
            i = self.word_ids.get(w)
            if i is None:
                return None
            ids.append(i)
        if len(ids) == 1:
            return 1, ids[0]
        return (2, (ids[0] << 32) | ids[1]) if len(ids) == 2 else None

    def keys_of(self, n: int, terms: frozenset[str]) -> NDArray[np.int64]:
        """The keys of those `terms` that are n-token terms of the vocabulary, sorted."""
        found = [key[1] for t in terms if (key := self.key(t)) is not None and key[0] == n]
        keys = self.keys(n)
        wanted = np.unique(np.array(found, dtype=np.int64))
        return wanted[in_sorted(wanted, keys)]

    def vector(self, n: int, group: str) -> Vector:
        """The group's counts over keys(n) (0 for terms it never used)."""
        keys = self.keys(n)
        out = np.zeros(len(keys), dtype=np.float64)
        table = self._table.get((n, group))
        if table is not None:
            out[np.searchsorted(keys, table[0])] = table[1]
        return out

    def total(self, n: int) -> Vector:
        if n not in self._totals:
            out = np.zeros(len(self.keys(n)), dtype=np.float64)
            for g in self.group_names:
                out += self.vector(n, g)
            self._totals[n] = out
        return self._totals[n]

    def first(self, term: str, group: str, other: bool = False) -> int | None:
        """The first article of `group` (of any other group, if `other`) that uses `term`."""
        found = self.key(term)
        if found is None:
            return None
        n, key = found
        self._consolidate()
        best: int | None = None
        for (m, g), (keys, _counts, first) in self._table.items():
            if m != n or (g == group) == other:
                continue
            k = int(np.searchsorted(keys, key))
            if k < len(keys) and keys[k] == key:
                best = int(first[k]) if best is None else min(best, int(first[k]))
        return best


# ---- comparisons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """Where α_w comes from: the compared corpus's own counts (the default), a uniform
    value, or a background corpus's counts."""

    kind: Literal["corpus", "uniform", "background"] = "corpus"
    value: float = 0.0  # the uniform α
    background: dict[str, float] | None = None
    source: str = ""  # the background file, for the report

    def alphas(self, terms: list[str] | int, corpus: Vector) -> Vector:
        """α for each term: `terms` is the term list (needed for a background prior) or
        just how many there are."""
        size = terms if isinstance(terms, int) else len(terms)
        if self.kind == "uniform":
            return np.full(size, self.value)
        if self.kind == "background":
            assert self.background is not None and not isinstance(terms, int)
            alpha = np.array([self.background.get(t, 0.0) for t in terms])
            # A term the background never saw gets the smallest positive background count,
            # so δ stays finite: said in the report.
            floor = min((v for v in self.background.values() if v > 0), default=1.0)
            return np.where(alpha > 0, alpha, floor)
        return corpus.copy()

    def describe(self) -> str:
        if self.kind == "uniform":
            return f"uniform prior α = {self.value:g} for every term"
        if self.kind == "background":
            return (
                f"prior from the background counts in {self.source} (terms it lacks get its smallest count)"
            )
        return "prior α_w = the term's count in the whole compared corpus"


@dataclass(frozen=True)
class Row:
    term: str
    count_i: int
    count_j: int
    delta: float
    z: float
    g2: float
    chi2: float


@dataclass(frozen=True)
class Comparison:
    """Group i against group j (or against all the other groups, j = "rest"): one column per
    measure, the terms ordered by z, highest first (plain lists: the tables can be long).

    It may be an excerpt of the full table (see `compare`): then `size` is the full table's
    number of rows, and `terms` etc. hold only the excerpt's rows, in the full table's order."""

    group_i: str
    group_j: str
    n: int  # 1: words, 2: two-word phrases
    terms: list[str]
    count_i: list[int]
    count_j: list[int]
    delta: list[float]
    z: list[float]
    g2: list[float]
    chi2: list[float]
    size: int = -1  # rows in the full table (-1: this is the full table)

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def full_size(self) -> int:
        return len(self.terms) if self.size < 0 else self.size

    def row(self, k: int) -> Row:
        return Row(
            self.terms[k],
            self.count_i[k],
            self.count_j[k],
            self.delta[k],
            self.z[k],
            self.g2[k],
            self.chi2[k],
        )

    @property
    def rows(self) -> list[Row]:
        return [self.row(k) for k in range(len(self.terms))]


@dataclass(frozen=True)
class _Sorted:
    """A comparison's full table as arrays, in report order (z, then term)."""

    keys: NDArray[np.int64]
    yi: Vector
    yj: Vector
    delta: Vector
    z: Vector
    g2: Vector
    chi2: Vector

    def rows(
        self, counts: TermCounts, n: int, picked: NDArray[np.int64] | slice
    ) -> tuple[list[str], list[int], list[int], list[float], list[float], list[float], list[float]]:
        """The term strings and the columns of the picked rows, as plain lists."""
        return (
            counts.terms(n, self.keys[picked]),
            self.yi[picked].astype(np.int64).tolist(),
            self.yj[picked].astype(np.int64).tolist(),
            self.delta[picked].tolist(),
            self.z[picked].tolist(),
            self.g2[picked].tolist(),
            self.chi2[picked].tolist(),
        )


def _sorted(
    counts: TermCounts,
    n: int,
    group_i: str,
    group_j: str | None,
    prior: Prior,
    variance: Variance,
    min_count: int,
    always: frozenset[str],
    rows: Literal["all", "counted", "listed"] = "all",
) -> _Sorted:
    """The comparison's table, sorted. rows: "all" the terms used at least min_count times
    and the `always` terms used at all; "counted" only the former; "listed" only the
    `always` terms used fewer than min_count times."""
    keys = counts.keys(n)
    yi = counts.vector(n, group_i)
    total = counts.total(n)
    yj = total - yi if group_j is None else counts.vector(n, group_j)
    if prior.kind == "background":
        alpha = prior.alphas(counts.terms(n, keys), total)
    else:
        alpha = prior.alphas(len(keys), total)
    counted = (yi + yj) >= max(min_count, 1)
    keep = counted.copy() if rows != "listed" else np.zeros(len(keys), dtype=bool)
    if rows != "counted":
        listed = np.searchsorted(keys, counts.keys_of(n, always))
        keep[listed[(yi[listed] + yj[listed]) > 0]] = True
    if rows == "listed":
        keep &= ~counted
    used = np.flatnonzero(keep)
    # The statistics of the kept terms only, with the whole vocabulary's totals: the same
    # numbers, without a dozen temporary arrays the size of a vocabulary of millions.
    ni, nj, a0 = float(yi.sum()), float(yj.sum()), float(alpha.sum())
    yi, yj, alpha = yi[used], yj[used], alpha[used]
    scores = log_odds(yi, yj, alpha, variance, (ni, nj, a0))
    # By z, then by term: a fixed order whatever the order terms were first seen in. The
    # terms' alphabetical ranks stand in for the strings, which for millions of rows would
    # cost gigabytes as a NumPy string array.
    by_z = np.lexsort((counts.alphabetical(n, keys[used]), -scores.z))
    return _Sorted(
        keys[used][by_z],
        yi[by_z],
        yj[by_z],
        scores.delta[by_z],
        scores.z[by_z],
        g2(yi, yj, (ni, nj))[by_z],
        chi2(yi, yj, (ni, nj))[by_z],
    )


def compare(
    counts: TermCounts,
    n: int,
    group_i: str,
    group_j: str | None,
    prior: Prior,
    variance: Variance,
    min_count: int = 1,
    always: frozenset[str] = frozenset(),
    excerpt: tuple[int, int] | None = None,
) -> Comparison:
    """group_j None: group i against the rest of the corpus. Rows for the terms the two
    groups use at least `min_count` times together, and for every term in `always`.

    excerpt (head, tail): keep only the first `head` rows, the last `tail` and the rows of
    the `always` terms. The full tables of a large corpus hold millions of rows; the report
    shows a few of each, so only those are kept, and `table_parts` gives the full table a
    part at a time."""
    table = _sorted(counts, n, group_i, group_j, prior, variance, min_count, always)
    size = len(table.keys)
    picked: NDArray[np.int64] | slice = slice(None)
    if excerpt is not None:
        head, tail = excerpt
        rows = np.arange(size)
        keep = (rows < head) | (rows >= size - tail)
        keep |= in_sorted(table.keys, counts.keys_of(n, always))
        picked = np.flatnonzero(keep)
    other = "rest" if group_j is None else group_j
    return Comparison(group_i, other, n, *table.rows(counts, n, picked), size if excerpt is not None else -1)


def _table_of(
    counts: TermCounts,
    c: Comparison,
    prior: Prior,
    variance: Variance,
    min_count: int,
    always: frozenset[str],
    rows: Literal["all", "counted", "listed"],
) -> _Sorted:
    """`_sorted` for comparison `c` (made by `compare`) again."""
    other = None if c.group_j == "rest" else c.group_j
    return _sorted(counts, c.n, c.group_i, other, prior, variance, min_count, always, rows)


def table_parts(
    counts: TermCounts,
    c: Comparison,
    prior: Prior,
    variance: Variance,
    min_count: int,
    part: int = 50_000,
) -> Iterator[Comparison]:
    """The rows of comparison `c` for every term used at least `min_count` times, in
    order, `part` rows at a time. No lexicon changes them (see `listed_rows`)."""
    table = _table_of(counts, c, prior, variance, min_count, frozenset(), "counted")
    for start in range(0, max(len(table.keys), 1), part):
        yield Comparison(c.group_i, c.group_j, c.n, *table.rows(counts, c.n, slice(start, start + part)))


def listed_rows(
    counts: TermCounts,
    c: Comparison,
    prior: Prior,
    variance: Variance,
    min_count: int,
    always: frozenset[str],
) -> Comparison:
    """The rows of comparison `c` for the `always` terms used fewer than `min_count` times
    (but used), in order: with `table_parts`, the whole table."""
    table = _table_of(counts, c, prior, variance, min_count, always, "listed")
    return Comparison(c.group_i, c.group_j, c.n, *table.rows(counts, c.n, slice(None)))
