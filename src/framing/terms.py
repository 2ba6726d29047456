"""The words and two-word phrases counted for keyness, and where each occurs.

Both come from one function, `spans`, so a term's count always equals the number of its
evidence lines. A word is a match token (text.py); a bigram is two consecutive tokens of one
sentence with only a space, hyphen or apostrophe between them, the rule multi-word lexicon
terms follow, so "military bloc" is counted where a lexicon would match it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from framing.document import Document
from framing.text import joinable, joinable_gaps


def spans(doc: Document, n: int) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every unigram (n = 1) or bigram (n = 2) of the text."""
    toks = doc.tokens
    norms, starts, ends = toks.norms, toks.starts, toks.ends
    if n == 1:
        yield from zip(norms, starts, ends, strict=True)
        return
    # A joinable gap holds no full stop, line break or dash, so a bigram never spans two
    # sentences. Most gaps are one space: that case skips the regex.
    text = doc.text
    for i in range(len(norms) - 1):
        a_end, b_start = ends[i], starts[i + 1]
        if (b_start - a_end == 1 and text[a_end] == " ") or joinable(text, a_end, b_start):
            yield f"{norms[i]} {norms[i + 1]}", starts[i], ends[i + 1]


def counts(doc: Document) -> tuple[Counter[str], Counter[str]]:
    """Unigram and bigram counts of one text."""
    return Counter(doc.tokens.norms), Counter(t for t, _, _ in spans(doc, 2))


def occurrences(doc: Document, term: str) -> list[tuple[int, int]]:
    """Where `term` (a unigram or a bigram as counted) occurs in the text."""
    n = len(term.split(" "))
    return [(s, e) for t, s, e in spans(doc, n) if t == term]


@dataclass(frozen=True)
class TextTerms:
    """One text's counts in a compact form that travels cheaply between processes: its
    distinct words with their counts, and its phrases as pairs of indices into them."""

    words: tuple[str, ...]
    # 32-bit: these go through a pipe and the result store for every text, and half the
    # bytes is half the pickling and compression.
    counts: NDArray[np.int32]
    first: NDArray[np.int32]  # phrase: index of its first word
    second: NDArray[np.int32]  # and of its second
    pair_counts: NDArray[np.int32]

    @property
    def pairs(self) -> list[tuple[int, int, int]]:
        return list(zip(self.first.tolist(), self.second.tolist(), self.pair_counts.tolist(), strict=True))


def compact_counts(doc: Document, stop_words: frozenset[str] = frozenset()) -> TextTerms:
    """The counts of `counts(doc)`, less the stop words and the phrases that hold one.
    Vectorised: this runs on every word of a corpus."""
    words, local = doc.token_ids.words, doc.token_ids.ids
    word_counts = np.bincount(local, minlength=len(words)).astype(np.int64)
    starts = np.array(doc.tokens.starts, dtype=np.int64)
    ends = np.array(doc.tokens.ends, dtype=np.int64)
    joined = joinable_gaps(doc.text, starts, ends)
    w = max(len(words), 1)
    pair_keys, pair_counts = np.unique(local[:-1][joined] * w + local[1:][joined], return_counts=True)
    first, second = pair_keys // w, pair_keys % w
    if stop_words:
        keep = np.array([x not in stop_words for x in words], dtype=bool)
        renumber = np.cumsum(keep) - 1
        kept_pairs = keep[first] & keep[second] if len(first) else np.zeros(0, dtype=bool)
        words = [x for x, k in zip(words, keep.tolist(), strict=True) if k]
        word_counts = word_counts[keep]
        first, second = renumber[first[kept_pairs]], renumber[second[kept_pairs]]
        pair_counts = pair_counts[kept_pairs]
    return TextTerms(
        tuple(words),
        word_counts.astype(np.int32),
        first.astype(np.int32),
        second.astype(np.int32),
        pair_counts.astype(np.int32),
    )
