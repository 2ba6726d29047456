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

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Variance = Literal["monroe", "scattertext"]
VARIANCES: tuple[Variance, ...] = ("monroe", "scattertext")
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class LogOdds:
    delta: Vector
    variance: Vector
    z: Vector


def log_odds(yi: Vector, yj: Vector, alpha: Vector, variance: Variance = "monroe") -> LogOdds:
    """Monroe et al.'s δ, σ² and z for every word; yi, yj and alpha are aligned count vectors."""
    yi, yj, alpha = (np.asarray(v, dtype=np.float64) for v in (yi, yj, alpha))
    a0 = alpha.sum()
    ni, nj = yi.sum(), yj.sum()
    rest_i = ni + a0 - yi - alpha
    rest_j = nj + a0 - yj - alpha
    delta = np.log((yi + alpha) / rest_i) - np.log((yj + alpha) / rest_j)
    var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha)
    if variance == "scattertext":
        var = var + 1.0 / rest_i + 1.0 / rest_j
    return LogOdds(delta, var, delta / np.sqrt(var))


def _table(yi: Vector, yj: Vector) -> tuple[Vector, ...]:
    """Observed and expected cells of each word's 2×2 table."""
    a = np.asarray(yi, dtype=np.float64)
    b = np.asarray(yj, dtype=np.float64)
    c = a.sum() - a
    d = b.sum() - b
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


def g2(yi: Vector, yj: Vector) -> Vector:
    """Signed log-likelihood G² of group i against group j, word by word."""
    a, b, c, d, ea, eb, ec, ed = _table(yi, yj)
    value = 2 * (
        _o_log_o_over_e(a, ea) + _o_log_o_over_e(b, eb) + _o_log_o_over_e(c, ec) + _o_log_o_over_e(d, ed)
    )
    return np.where(a >= ea, value, -value)


def chi2(yi: Vector, yj: Vector) -> Vector:
    """Signed Pearson χ² (no continuity correction) of group i against group j."""
    a, b, c, d, _ea, _eb, _ec, _ed = _table(yi, yj)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    value = np.nan_to_num(value)
    return np.where(a * d >= b * c, value, -value)


# ---- counts by group, as articles arrive -------------------------------------------------


class TermCounts:
    """One vocabulary (unigrams or bigrams) counted per group: a term list and, per group,
    a count array indexed like it, and the first article (by its place in the run) of that
    group to use each term, so that an example can be fetched later without a search.
    Grown article by article; memory follows the vocabulary, not the number of articles."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.terms: list[str] = []
        self._counts: dict[str, NDArray[np.int64]] = {}
        self._first: dict[str, NDArray[np.int64]] = {}

    def add(self, group: str, counts: dict[str, int], article: int = 0) -> None:
        if not counts:
            return
        index, terms = self.index, self.terms
        ids = []
        for term in counts:
            i = index.get(term)
            if i is None:
                i = index[term] = len(terms)
                terms.append(term)
            ids.append(i)
        row = self._grown(self._counts, group, 0)
        first = self._grown(self._first, group, -1)
        where = np.array(ids, dtype=np.int64)
        # Each term once per article, so plain fancy-index addition is exact.
        row[where] += np.fromiter(counts.values(), dtype=np.int64, count=len(where))
        unseen = where[first[where] < 0]
        first[unseen] = article

    def _grown(self, table: dict[str, NDArray[np.int64]], group: str, fill: int) -> NDArray[np.int64]:
        row = table.get(group)
        if row is None or len(row) < len(self.terms):
            size = max(len(self.terms), 2 * (0 if row is None else len(row)), 1024)
            grown = np.full(size, fill, dtype=np.int64)
            if row is not None:
                grown[: len(row)] = row
            row = table[group] = grown
        return row

    def groups(self) -> list[str]:
        return sorted(self._counts)

    def vector(self, group: str) -> Vector:
        """The group's counts over the whole vocabulary (0 for terms it never used)."""
        out = np.zeros(len(self.terms), dtype=np.float64)
        row = self._counts.get(group)
        if row is not None:
            n = min(len(row), len(out))
            out[:n] = row[:n]
        return out

    def total(self) -> Vector:
        out = np.zeros(len(self.terms), dtype=np.float64)
        for g in self._counts:
            out += self.vector(g)
        return out

    def first(self, term: str, group: str, other: bool = False) -> int | None:
        """The first article of `group` (of any other group, if `other`) that uses `term`."""
        k = self.index.get(term)
        if k is None:
            return None
        found = [
            int(f[k])
            for g, f in self._first.items()
            if (g != group if other else g == group) and k < len(f) and f[k] >= 0
        ]
        return min(found) if found else None


# ---- comparisons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """Where α_w comes from: the compared corpus's own counts (the default), a uniform
    value, or a background corpus's counts."""

    kind: Literal["corpus", "uniform", "background"] = "corpus"
    value: float = 0.0  # the uniform α
    background: dict[str, float] | None = None
    source: str = ""  # the background file, for the report

    def alphas(self, terms: list[str], corpus: Vector) -> Vector:
        if self.kind == "uniform":
            return np.full(len(terms), self.value)
        if self.kind == "background":
            assert self.background is not None
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
    """Group i against group j (or against all the other groups, j = "rest")."""

    group_i: str
    group_j: str
    n: int  # 1: words, 2: two-word phrases
    rows: list[Row]  # every term either group uses, by z, highest first


def compare(
    counts: TermCounts,
    n: int,
    group_i: str,
    group_j: str | None,
    prior: Prior,
    variance: Variance,
    min_count: int = 1,
    always: frozenset[str] = frozenset(),
) -> Comparison:
    """group_j None: group i against the rest of the corpus. Rows for the terms the two
    groups use at least `min_count` times together, and for every term in `always`."""
    yi = counts.vector(group_i)
    total = counts.total()
    yj = total - yi if group_j is None else counts.vector(group_j)
    alpha = prior.alphas(counts.terms, total)
    scores = log_odds(yi, yj, alpha, variance)
    likelihood = g2(yi, yj)
    pearson = chi2(yi, yj)
    keep = (yi + yj) >= max(min_count, 1)
    for term in always:
        k = counts.index.get(term)
        if k is not None and yi[k] + yj[k] > 0:
            keep[k] = True
    used = np.flatnonzero(keep)
    # By z, then by term: a fixed order whatever the order terms were first seen in.
    order = sorted(used.tolist(), key=lambda k: (-scores.z[k], counts.terms[k]))
    rows = [
        Row(
            counts.terms[k],
            int(yi[k]),
            int(yj[k]),
            float(scores.delta[k]),
            float(scores.z[k]),
            float(likelihood[k]),
            float(pearson[k]),
        )
        for k in order
    ]
    return Comparison(group_i, "rest" if group_j is None else group_j, n, rows)
