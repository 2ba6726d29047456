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
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import DTypeLike, NDArray

from framing.terms import TextTerms

if TYPE_CHECKING:
    import scipy.sparse as sp

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
_CONSOLIDATE_AT = 2_000_000  # pending (article, term) entries before they are summed
_STATE_VERSION = 3  # of TermCounts.state()
# The first-use matrices hold _NEVER − article: the earliest article is then the largest
# value, so scipy's elementwise maximum finds it, and an absent entry (0) never wins.
_NEVER = np.iinfo(np.int32).max
Document = tuple[int, int, NDArray[np.int64], NDArray[np.int32]]  # group row, article, keys, counts
POOLED = "(every group)"  # the one row of TermCounts.pool()


def _matrix(
    data: NDArray[np.int32], indices: NDArray[np.integer], indptr: NDArray[np.integer], shape: tuple[int, int]
) -> sp.csr_array:
    """A CSR matrix over the given arrays, as they are: no copy, and their index type kept
    (32-bit wherever it fits, half the memory of scipy's 64-bit default for int64 input)."""
    import scipy.sparse as sp  # 0.3 s to import: paid only by a run that counts keyness

    return sp.csr_array((data, indices, indptr), shape=shape, copy=False)


def _empty(rows: int) -> sp.csr_array:
    zeros = np.zeros(0, dtype=np.int32)
    return _matrix(zeros, zeros, np.zeros(rows + 1, dtype=np.int32), (rows, 0))


def _index_type(*sizes: int) -> type[np.signedinteger]:
    """32-bit indices while every position fits, as scipy chooses them."""
    return np.int32 if max(sizes, default=0) < np.iinfo(np.int32).max else np.int64


def _widened(m: sp.csr_array, columns: NDArray[np.int64], shape: tuple[int, int]) -> sp.csr_array:
    """`m` (sorted indices) with column c moved to columns[c] (increasing, so the indices
    stay sorted) and rows added at the end up to shape[0]."""
    index = _index_type(m.nnz, shape[1])
    return _matrix(m.data, columns[m.indices].astype(index), _row_starts(m, shape[0], index), shape)


def _with_rows(m: sp.csr_array, rows: int) -> sp.csr_array:
    """`m` with empty rows added at the end up to `rows`; its data and indices kept as they
    are (the counts and first uses share their indices)."""
    return _matrix(m.data, m.indices, _row_starts(m, rows, m.indptr.dtype), (rows, m.shape[1]))


def _row_starts(m: sp.csr_array, rows: int, index: DTypeLike) -> NDArray[np.integer]:
    indptr = np.full(rows + 1, m.nnz, dtype=index)
    indptr[: m.shape[0] + 1] = m.indptr
    return indptr


class TermCounts:
    """Word and two-word-phrase counts per group, as scipy sparse matrices (the type
    scikit-learn's vectorisers give and its estimators take). For words (n = 1) and
    phrases (n = 2): a groups × vocabulary matrix of counts, and one with the same entries
    holding the first article of the group to use each term, so an example can be fetched
    later without a search.

    Articles are counted a batch at a time: the batch's document-term matrix (what
    CountVectorizer gives, but over framing's tokens, which the evidence lines use too) is
    summed by group in its column-major form and added to the totals.

    The vocabulary is integer keys, not strings: words get ids, and a phrase is the pair of
    its words' ids in one 64-bit key. A corpus's millions of distinct phrases then cost 8
    bytes each; as Python strings (CountVectorizer's vocabulary_) they broke the memory
    target."""

    def __init__(self) -> None:
        self.word_ids: dict[str, int] = {}
        self.words: list[str] = []
        self.group_names: list[str] = []
        self._group_row: dict[str, int] = {}
        self._pending: dict[int, list[Document]] = {1: [], 2: []}
        self._pending_size = 0
        self._vocabulary = {n: np.zeros(0, dtype=np.int64) for n in (1, 2)}  # sorted keys
        self._counts = {n: _empty(0) for n in (1, 2)}  # groups × vocabulary
        self._first = {n: _empty(0) for n in (1, 2)}  # _NEVER − first article, same entries
        self._totals: dict[int, Vector] = {}
        self._rank: NDArray[np.int64] | None = None  # word id -> alphabetical position
        self._pooled = False  # every group counted into one row (see pool)

    @property
    def pooled(self) -> bool:
        """Whether every group is counted into one row (see pool)."""
        return self._pooled

    @property
    def _size(self) -> int:
        return sum(m.nnz for m in self._counts.values())

    def add(self, group: str, terms: TextTerms, article: int) -> None:
        if not terms.words:
            return
        row = 0 if self._pooled else self._group_row.get(group)
        if row is None:
            row = self._group_row[group] = len(self.group_names)
            self.group_names.append(group)
        # Known words are looked up in C; only new ones take the Python path.
        found = list(map(self.word_ids.get, terms.words))
        if None in found:
            found = [self._word_id(w) if i is None else i for w, i in zip(terms.words, found, strict=True)]
        ids = np.array(found, dtype=np.int64)
        self._pending[1].append((row, article, ids, terms.counts))
        self._pending_size += len(ids)
        if len(terms.first):
            pairs = (ids[terms.first] << 32) | ids[terms.second]
            self._pending[2].append((row, article, pairs, terms.pair_counts))
            self._pending_size += len(pairs)
        self._totals.clear()
        # Summed when the pending entries reach the size of the tables so far (at least
        # _CONSOLIDATE_AT), so merging into the tables costs a constant per entry overall.
        if self._pending_size >= max(_CONSOLIDATE_AT, self._size):
            self._consolidate()

    def _word_id(self, word: str) -> int:
        i = self.word_ids.get(word)
        if i is None:
            i = self.word_ids[word] = len(self.words)
            self.words.append(word)
        return i

    def _consolidate(self) -> None:
        for n, documents in self._pending.items():
            if documents:
                self._add_batch(n, documents)
        self._pending = {1: [], 2: []}
        self._pending_size = 0
        groups = len(self.group_names)
        for n in (1, 2):
            # A group none of whose texts holds a phrase (one-word lines, say) got no row
            # in the phrase matrices, and comparing it ended in an IndexError.
            if self._counts[n].shape[0] < groups:
                self._counts[n] = _with_rows(self._counts[n], groups)
                self._first[n] = _with_rows(self._first[n], groups)

    def _add_batch(self, n: int, documents: list[Document]) -> None:
        import scipy.sparse as sp

        groups = len(self.group_names)
        rows = np.array([d[0] for d in documents], dtype=np.int32)
        articles = np.array([d[1] for d in documents], dtype=np.int64)
        lengths = np.array([len(d[2]) for d in documents], dtype=np.int64)
        keys = np.concatenate([d[2] for d in documents])
        if n == 1:
            # A word's id is its column: ids run from 0, and every word given one is counted.
            batch_terms = np.arange(len(self.words), dtype=np.int64)
            columns = keys
        else:
            batch_terms, columns = np.unique(keys, return_inverse=True)
        index = _index_type(len(keys), len(batch_terms))
        columns = columns.astype(index)
        indptr = np.zeros(len(documents) + 1, dtype=index)
        np.cumsum(lengths, out=indptr[1:])
        shape = (len(documents), len(batch_terms))
        entries = np.concatenate([d[3] for d in documents]).astype(np.int32)
        document_terms = _matrix(entries, columns, indptr, shape)
        # With the documents ordered by group, then article, the column-major form lists
        # each term's documents in that order (scipy's conversion keeps the row order): a
        # term's entries for one group are a run, whose sum is the group's count and whose
        # first entry is its earliest article. One pass, whatever the number of groups.
        order = np.lexsort((articles, rows))
        by_term = document_terms[order].tocsc()
        column = np.repeat(np.arange(shape[1], dtype=index), np.diff(by_term.indptr))
        group = rows[order][by_term.indices]
        starts = np.ones(len(column), dtype=bool)
        starts[1:] = (column[1:] != column[:-1]) | (group[1:] != group[:-1])
        runs = np.flatnonzero(starts)
        earliest = articles[order][by_term.indices[runs]]
        # The runs, column by column with groups ascending, are the column-major form of
        # groups × terms; scipy's conversion to rows sorts without a sort.
        per_column = np.zeros(shape[1] + 1, dtype=index)
        np.cumsum(np.bincount(column[runs], minlength=shape[1]), out=per_column[1:])
        run_groups = group[runs].astype(index)
        summed = sp.csc_array(
            (np.add.reduceat(by_term.data, runs).astype(np.int32), run_groups, per_column),
            shape=(groups, shape[1]),
        ).tocsr()
        first = sp.csc_array(
            ((_NEVER - earliest).astype(np.int32), run_groups, per_column), shape=(groups, shape[1])
        ).tocsr()
        # Into the totals, over the union of the two vocabularies.
        vocabulary = _union([self._vocabulary[n], batch_terms])
        was = np.searchsorted(vocabulary, self._vocabulary[n])
        new = np.searchsorted(vocabulary, batch_terms)
        size = (groups, len(vocabulary))
        counts = _widened(self._counts[n], was, size) + _widened(summed, new, size)
        self._counts[n] = counts
        first = _widened(self._first[n], was, size).maximum(_widened(first, new, size))
        # Counts are at least 1, so both matrices hold the union of the old and the new
        # entries, in the same order: then they share one index array (4 bytes an entry).
        if np.array_equal(first.indptr, counts.indptr) and np.array_equal(first.indices, counts.indices):
            first = _matrix(first.data, counts.indices, counts.indptr, size)
        self._first[n] = first
        self._vocabulary[n] = vocabulary

    def pool(self) -> None:
        """Sum the rows so far into one, and count every group into it from now on: for a
        run that reads no group's own counts (more groups than are compared each against
        the rest, and no pairs named). Grouped by article, a row per article grew with the
        corpus, 280 MB at 10,000 articles. The vocabulary, the totals and each term's first
        article stay as they were."""
        self._consolidate()
        for n in (1, 2):
            counts, first = self._counts[n], self._first[n]
            columns = counts.shape[1]
            # Every term of the vocabulary was counted at least once: the one row is full.
            index = _index_type(columns)
            every = np.arange(columns, dtype=index)
            starts = np.array([0, columns], dtype=index)
            if columns:
                summed = np.asarray(counts.sum(axis=0)).ravel().astype(np.int32)
                earliest = first.max(axis=0).toarray().ravel().astype(np.int32)
            else:  # nothing counted yet (the texts so far wait in the store)
                summed = earliest = np.zeros(0, dtype=np.int32)
            self._counts[n] = _matrix(summed, every, starts, (1, columns))
            self._first[n] = _matrix(earliest, every, starts, (1, columns))
        self.group_names = [POOLED]
        self._group_row = {POOLED: 0}
        self._pooled = True
        self._totals.clear()

    def state(self) -> dict[str, object]:
        """Everything counted, as plain values (for the result store)."""
        self._consolidate()
        matrices = {
            name: {n: (m.data, m.indices, m.indptr, m.shape) for n, m in kept.items()}
            for name, kept in (("counts", self._counts), ("first", self._first))
        }
        return {
            "version": _STATE_VERSION,
            "words": self.words,
            "groups": self.group_names,
            "pooled": self._pooled,
            "vocabulary": self._vocabulary,
            **matrices,
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
        counts._group_row = {g: i for i, g in enumerate(counts.group_names)}
        counts._pooled = bool(state.get("pooled", False))  # absent: stored before pool() was
        counts._vocabulary = dict(state["vocabulary"])  # type: ignore[call-overload]
        for name, kept in (("counts", counts._counts), ("first", counts._first)):
            for n, parts in state[name].items():  # type: ignore[attr-defined]
                kept[n] = _matrix(*parts)
        return counts

    def keys(self, n: int) -> NDArray[np.int64]:
        """Every term of the vocabulary (n = 1 words, n = 2 phrases), sorted."""
        self._consolidate()
        return self._vocabulary[n]

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
        self._consolidate()
        row = self._group_row.get(group)
        if row is None:
            return np.zeros(len(self._vocabulary[n]), dtype=np.float64)
        out: Vector = self._counts[n][[row], :].toarray()[0].astype(np.float64)
        return out

    def total(self, n: int) -> Vector:
        if n not in self._totals:
            self._consolidate()
            total: Vector = np.asarray(self._counts[n].sum(axis=0), dtype=np.float64)
            self._totals[n] = total
        return self._totals[n]

    def first(self, term: str, group: str, other: bool = False) -> int | None:
        """The first article of `group` (of any other group, if `other`) that uses `term`."""
        found = self.key(term)
        if found is None:
            return None
        n, key = found
        vocabulary = self.keys(n)
        column = int(np.searchsorted(vocabulary, key))
        if column == len(vocabulary) or vocabulary[column] != key:
            return None
        # A row's entries are its columns, sorted: a binary search each, not a column
        # slice of the whole matrix.
        first = self._first[n]
        best = 0
        for g, row in self._group_row.items():
            if (g == group) == other:
                continue
            start, end = first.indptr[row], first.indptr[row + 1]
            k = start + int(np.searchsorted(first.indices[start:end], column))
            if k < end and first.indices[k] == column:
                best = max(best, int(first.data[k]))
        return _NEVER - best if best else None


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


# A comparison's kept rows before sorting: their keys (in vocabulary order), their counts on
# each side, their log-odds and the two sides' totals.
_Scored = tuple[NDArray[np.int64], Vector, Vector, LogOdds, tuple[float, float]]


def _scored_rows(
    counts: TermCounts,
    n: int,
    group_i: str,
    group_j: str | None,
    prior: Prior,
    variance: Variance,
    min_count: int,
    always: frozenset[str],
    rows: Literal["all", "counted", "listed"] = "all",
) -> _Scored:
    """The keys of a comparison's rows (in vocabulary order), their counts on each side,
    their log-odds and the two sides' totals. rows: "all" the terms used at least
    min_count times and the `always` terms used at all; "counted" only the former;
    "listed" only the `always` terms used fewer than min_count times."""
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
    return keys[used], yi, yj, log_odds(yi, yj, alpha, variance, (ni, nj, a0)), (ni, nj)


def _sorted(counts: TermCounts, n: int, scored: _Scored) -> _Sorted:
    """The comparison's table (the rows of _scored_rows), sorted."""
    keys, yi, yj, scores, totals = scored
    # By z, then by term: a fixed order whatever the order terms were first seen in. The
    # terms' alphabetical ranks stand in for the strings, which for millions of rows would
    # cost gigabytes as a NumPy string array.
    by_z = np.lexsort((counts.alphabetical(n, keys), -scores.z))
    return _Sorted(
        keys[by_z],
        yi[by_z],
        yj[by_z],
        scores.delta[by_z],
        scores.z[by_z],
        g2(yi, yj, totals)[by_z],
        chi2(yi, yj, totals)[by_z],
    )


def _excerpt(
    counts: TermCounts, n: int, scored: _Scored, always: frozenset[str], head: int, tail: int
) -> tuple[_Sorted, int] | None:
    """The rows of _sorted(counts, n, scored)'s table that `compare` keeps (the first `head`, the last
    `tail` and the `always` terms'), in the table's order, and the table's size, without
    sorting the whole table: z is computed for every term (it decides the order), but only
    the rows near each end are sorted, found by a partition, and G² and χ² are computed for
    the kept rows alone. The order is (-z, term), a total order, so sorting the kept rows
    by it gives them in the full table's order. None when some z is not a number, which
    that order does not rank the same way; the caller then sorts the whole table."""
    keys, yi, yj, scores, totals = scored
    down = -scores.z  # the table's first sort key
    if np.isnan(down).any():
        return None
    size = len(keys)
    picked = in_sorted(keys, counts.keys_of(n, always))  # every listed term used is a row

    def ranked(rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """`rows` in the table's order."""
        out: NDArray[np.int64] = rows[np.lexsort((counts.alphabetical(n, keys[rows]), down[rows]))]
        return out

    if head + tail >= size:
        picked[:] = True
    else:
        # Every row whose key is at most the head-th smallest is a candidate (ties
        # included); sorted, the first `head` of them are the table's first rows.
        if head:
            bound = np.partition(down, head - 1)[head - 1]
            picked[ranked(np.flatnonzero(down <= bound))[:head]] = True
        if tail:
            bound = np.partition(down, size - tail)[size - tail]
            picked[ranked(np.flatnonzero(down >= bound))[-tail:]] = True
    rows = ranked(np.flatnonzero(picked))
    yi, yj = yi[rows], yj[rows]
    return (
        _Sorted(
            keys[rows], yi, yj, scores.delta[rows], scores.z[rows], g2(yi, yj, totals), chi2(yi, yj, totals)
        ),
        size,
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
    other = "rest" if group_j is None else group_j
    scored = _scored_rows(counts, n, group_i, group_j, prior, variance, min_count, always)
    if excerpt is not None:
        found = _excerpt(counts, n, scored, always, *excerpt)
        if found is not None:
            kept, kept_of = found
            return Comparison(group_i, other, n, *kept.rows(counts, n, slice(None)), kept_of)
    table = _sorted(counts, n, scored)  # neither function changes `scored`'s arrays
    size = len(table.keys)
    picked: NDArray[np.int64] | slice = slice(None)
    if excerpt is not None:
        head, tail = excerpt
        rows = np.arange(size)
        keep = (rows < head) | (rows >= size - tail)
        keep |= in_sorted(table.keys, counts.keys_of(n, always))
        picked = np.flatnonzero(keep)
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
    scored = _scored_rows(counts, c.n, c.group_i, other, prior, variance, min_count, always, rows)
    return _sorted(counts, c.n, scored)


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
